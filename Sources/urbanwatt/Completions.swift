import ArgumentParser
import Foundation
import UrbanWattScenario

/// What the shell offers after an option or argument (`urbanwatt --generate-completion-script`):
/// the values of every enumerated option, and scenario names and files where a scenario goes.
enum Completions {
    /// Built-in scenario names, then the YAML files and the folders (scenarios, result folders)
    /// that start with what was typed: `Scenarios/mi` offers `Scenarios/mittelstadt.yaml`.
    static let scenario = CompletionKind.custom { _, _, prefix in names(prefix) }

    static func names(_ prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let folder = slash.map { String(prefix[...$0]) } ?? ""
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        let files = entries.filter { !$0.hasPrefix(".") }.sorted().compactMap { entry -> String? in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder + entry, isDirectory: &isFolder) else { return nil }
            if isFolder.boolValue { return folder + entry + "/" }
            return entry.hasSuffix(".yaml") || entry.hasSuffix(".yml") ? folder + entry : nil
        }
        return ((slash == nil ? BuiltinScenarios.names : []) + files).filter { $0.hasPrefix(prefix) }
    }

    static let payload = CompletionKind.list(["json", "senml", "fiware-ul", "fiware-json", "influx"])
    static let telemetry = CompletionKind.list(["nodes", "fleets"])
    static let qos = CompletionKind.list(["0", "1", "2"])
    static let mqttVersion = CompletionKind.list(["5", "3.1.1"])
    static let speed = CompletionKind.list(["max", "realtime", "60", "3600"])
    static let textOrJSON = CompletionKind.list(["text", "json"])
}
