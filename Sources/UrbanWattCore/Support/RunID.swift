/// The id that tells one run (or one written folder) from another: 16 random hex digits, named in
/// the MQTT status messages and in each results folder's manifest.
public enum RunID {
    public static func random() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
