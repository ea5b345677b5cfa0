/// The scenario library, compiled into the binary so that `urbanwatt run NAME` works anywhere.
public enum BuiltinScenarios {
    /// The scenario `urbanwatt run` simulates without an argument.
    public static let defaultName = "mittelstadt"

    public static var names: [String] { library.map(\.name) }

    /// The YAML text of a built-in scenario.
    public static func text(named name: String) -> String? { library.first { $0.name == name }?.text }

    /// "; did you mean `mittelstadt`?" for a misspelt scenario name, or "".
    public static func didYouMean(_ name: String) -> String { Suggestion.didYouMean(name, in: names) }
}
