import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattScenario

extension UrbanWatt {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a commented scenario to start from: NAME.yaml, on its own or built on another scenario.")

        @Argument(help: "The new scenario's name (letters, digits, -, _ and .).")
        var name: String

        @Option(help: "Build on this scenario (a built-in name or a file): the new one extends it.", completion: Completions.scenario)
        var from: String?

        @Option(help: "Where to write (default: NAME.yaml in the current folder).")
        var out: String?

        func validate() throws {
            if !Name.isValid(name) { throw ValidationError(Name.problem(name, what: "a scenario name")) }
        }

        func run() throws {
            let path = out ?? "\(name).yaml"
            if FileManager.default.fileExists(atPath: path) {
                throw CommandFailure(ExitStatus.cannotCreate, "\(path) exists; choose another --out or remove it")
            }
            var text: String
            if let from {
                let isFile = FileManager.default.fileExists(atPath: from)
                guard isFile || BuiltinScenarios.text(named: from) != nil else {
                    throw CommandFailure(
                        ExitStatus.noInput,
                        "no scenario `\(from)` (built-in: \(BuiltinScenarios.names.joined(separator: ", ")); or a file)"
                            + BuiltinScenarios.didYouMean(from))
                }
                // A file is named relative to the new one, as `extends` reads it.
                let target = isFile ? relative(from, to: path) : from
                // The examples name the parent's own fleets, so that each validates once uncommented.
                text = ScenarioTemplate.extending(target, name: name, parent: try? Simulation.load(from).scenario)
            } else {
                text = ScenarioTemplate.standalone(name: name)
            }
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure(ExitStatus.cannotCreate, "cannot write \(path): \(error.localizedDescription)")
            }
            print("Wrote \(path); check it with `urbanwatt validate \(path)` and run it with `urbanwatt run \(path)`.")
        }

        /// `file` as seen from the folder of `path`.
        func relative(_ file: String, to path: String) -> String {
            let base = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().pathComponents
            let target = URL(fileURLWithPath: file).standardizedFileURL.pathComponents
            var common = 0
            while common < min(base.count, target.count) && base[common] == target[common] { common += 1 }
            return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
        }
    }
}
