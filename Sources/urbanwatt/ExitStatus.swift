import ArgumentParser

/// The sysexits codes of SPEC §1.
enum ExitStatus {
    static let internalError = ExitCode(1)
    static let usage = ExitCode(64)
    static let dataError = ExitCode(65)
    static let noInput = ExitCode(66)
    static let unavailable = ExitCode(69)
    static let cannotCreate = ExitCode(73)
    static let noPermission = ExitCode(77)
    static let interrupted = ExitCode(130)
}
