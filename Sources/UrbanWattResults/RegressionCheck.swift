import Foundation
package import UrbanWattCore

/// Field-by-field comparison of a summary with its golden copy: numbers within a relative
/// tolerance, everything else exactly, the `run` section ignored.
package enum RegressionCheck {
    package struct Mismatch: Sendable, Equatable {
        package var field: String
        package var expected: String
        package var got: String
        /// |got − expected| / |expected|, for numbers.
        package var relative: Double?
    }

    package static let ignored: Set<String> = ["run"]

    package static func compare(expected: JSONValue, got: JSONValue, tolerance: Double) -> [Mismatch] {
        var out: [Mismatch] = []
        walk(expected, got, path: "", tolerance: tolerance, into: &out)
        return out
    }

    private static func walk(_ e: JSONValue, _ g: JSONValue, path: String, tolerance: Double, into out: inout [Mismatch]) {
        switch (e, g) {
        case (.object(let ep), .object(let gp)):
            for (key, ev) in ep where !(path.isEmpty && ignored.contains(key)) {
                let p = path.isEmpty ? key : "\(path).\(key)"
                if let gv = gp.first(where: { $0.0 == key })?.1 {
                    walk(ev, gv, path: p, tolerance: tolerance, into: &out)
                } else {
                    out.append(Mismatch(field: p, expected: ev.compact(), got: "(missing)", relative: nil))
                }
            }
            for (key, gv) in gp where !ep.contains(where: { $0.0 == key }) && !(path.isEmpty && ignored.contains(key)) {
                out.append(Mismatch(field: path.isEmpty ? key : "\(path).\(key)", expected: "(missing)", got: gv.compact(), relative: nil))
            }
        case (.array(let ea), .array(let ga)) where ea.count == ga.count:
            for (k, (ev, gv)) in zip(ea, ga).enumerated() { walk(ev, gv, path: "\(path)[\(k)]", tolerance: tolerance, into: &out) }
        default:
            if let x = e.doubleValue, let y = g.doubleValue {
                let scale = max(abs(x), abs(y))
                let rel = scale == 0 ? 0 : abs(y - x) / scale
                if rel > tolerance { out.append(Mismatch(field: path, expected: e.compact(), got: g.compact(), relative: rel)) }
            } else if e != g {
                out.append(Mismatch(field: path, expected: e.compact(), got: g.compact(), relative: nil))
            }
        }
    }

    /// field | expected | got | relative difference.
    package static func table(_ mismatches: [Mismatch]) -> String {
        // A whole list (an assumptions group) would widen every column to thousands of characters:
        // its start says which, the golden and summary.json hold the rest.
        func cell(_ s: String) -> String { s.count > 60 ? s.prefix(59) + "…" : s }
        var rows = [["field", "expected", "got", "relative difference"]]
        for m in mismatches {
            rows.append([m.field, cell(m.expected), cell(m.got), m.relative.map { String(format: "%.3e", $0) } ?? "-"])
        }
        return SummaryTable.table(rows).joined(separator: "\n") + "\n"
    }
}
