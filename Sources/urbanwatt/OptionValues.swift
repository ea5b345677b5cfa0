import ArgumentParser
import Foundation
import UrbanWattCore

/// Command-line values with units and ranges: every duration option takes units (`2s`, `15min`,
/// `1h`) or plain seconds, and is finite and within its documented range (README, "Limits").
enum OptionValues {
    /// Seconds from a duration such as `2s`, `15min` or `2` (seconds), within `range`.
    static func duration(_ text: String, option: String, range: ClosedRange<Double>) throws(ValidationError) -> Double {
        guard case .success(let v) = QuantityParser.parse(text, as: .duration), range.contains(v) else {
            throw ValidationError(
                "\(option) expects a duration from \(durationText(range.lowerBound)) to \(durationText(range.upperBound)), such as 30s or 15min, got \"\(text)\""
            )
        }
        return v
    }

    /// `--max-memory`: bytes from 1 MB to 1 PB, with the text given (for messages); nil without it.
    static func memory(_ text: String?) throws(ValidationError) -> (bytes: Double, written: String)? {
        guard let text else { return nil }
        guard case .success(let v) = QuantityParser.parse(text, as: .data), v >= 1e6, v <= 1e15 else {
            throw ValidationError("--max-memory expects an amount such as 8GB or 500MB, got \"\(text)\"")
        }
        return (v, text)
    }

    /// A number within `range`, such as a speed factor.
    static func number(_ text: String, option: String, range: ClosedRange<Double>, what: String) throws(ValidationError) -> Double {
        guard let v = Double(text), range.contains(v) else {
            throw ValidationError("\(option) expects \(what) from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return v
    }

    /// A file the command reads whole: readable and regular, through links (certificates under
    /// /etc/letsencrypt/live and mounted secrets are links); a device such as /dev/urandom would be
    /// read for ever.
    static func readableFile(_ path: String, option: String) throws(ValidationError) {
        guard FileManager.default.isReadableFile(atPath: path) else { throw ValidationError("\(option): cannot read \(path)") }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw ValidationError("\(option): \(path) is not a regular file") }
    }
}
