import ArgumentParser
import UrbanWattKit
import UrbanWattResults
import UrbanWattTelemetry

/// Why a command ends without success: the one error type of the command line. `UrbanWatt.main`
/// prints its message as `urbanwatt: MESSAGE` (nothing when the command already rendered the
/// problem, as scenario diagnostics) and exits with its code.
struct CommandFailure: Error {
    let code: ExitCode
    let message: String?

    init(_ code: ExitCode, _ message: String?) {
        self.code = code
        self.message = message
    }
}

/// The sysexits codes of the command line (README, "Exit codes").
enum ExitStatus {
    static let internalError = ExitCode(1)
    static let usage = ExitCode(64)
    static let dataError = ExitCode(65)
    static let noInput = ExitCode(66)
    static let unavailable = ExitCode(69)
    static let cannotCreate = ExitCode(73)
    static let noPermission = ExitCode(77)
    /// Messages were dropped and `--allow-drops` was not given.
    static let dropped = ExitCode(1)

    /// A telemetry failure's code: 77 when the broker refused us, else 69.
    static func telemetry(_ f: TelemetrySession.Failure) -> ExitCode {
        switch f {
        case .connect(.refused), .publish(.refused): noPermission
        default: unavailable
        }
    }
}

/// Runs `body`, turning the library's `UsageError` into exit 64 with its message.
func usage<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as UsageError { throw CommandFailure(ExitStatus.usage, error.description) }
}

/// Runs `body`, turning a results folder or file that cannot be written or may not be replaced
/// into exit 73 with its message.
func writing<T>(_ body: () throws(OutputFolder.Failure) -> T) throws -> T {
    do { return try body() } catch { throw CommandFailure(ExitStatus.cannotCreate, "\(error)") }
}
