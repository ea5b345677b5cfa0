import Foundation
import UrbanWattCore

/// A small SVG plotting surface: a frame with "nice" axis ticks, axis titles with units, a legend,
/// and primitives in data coordinates. Charts build on it; the output is inline SVG text.
struct SVGPlot {
    static let width = 600.0, height = 340.0
    static let left = 70.0, right = 12.0, top = 52.0, bottom = 80.0
    var title: String
    var xLabel: String
    var yLabel: String
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    private(set) var body = ""

    init(title: String, xLabel: String, yLabel: String, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        xRange = x
        let hi = y.upperBound > y.lowerBound ? SVGPlot.niceCeiling(y.upperBound) : y.lowerBound + 1
        yRange = y.lowerBound...hi
    }

    var plotWidth: Double { SVGPlot.width - SVGPlot.left - SVGPlot.right }
    var plotHeight: Double { SVGPlot.height - SVGPlot.top - SVGPlot.bottom }

    func px(_ x: Double) -> Double { SVGPlot.left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth }
    func py(_ y: Double) -> Double { SVGPlot.top + plotHeight - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight }

    mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double = 1) {
        body += "<polygon points=\"\(points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\" fill=\"\(fill)\" fill-opacity=\"\(opacity)\"/>\n"
    }

    mutating func line(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body +=
            "<polyline points=\"\(points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(width)\"\(d)/>\n"
    }

    /// A rectangle between data coordinates.
    mutating func rect(x0: Double, x1: Double, y0: Double, y1: Double, fill: String, label: String? = nil) {
        let (a, b) = (px(x0), px(x1)), (c, d) = (py(y1), py(y0))
        body += "<rect x=\"\(f(min(a, b)))\" y=\"\(f(min(c, d)))\" width=\"\(f(abs(b - a)))\" height=\"\(f(abs(d - c)))\" fill=\"\(fill)\">"
        body += label.map { "<title>\(SVGPlot.escape($0))</title>" } ?? ""
        body += "</rect>\n"
    }

    mutating func text(_ s: String, x: Double, y: Double, anchor: String = "middle", size: Int = 12, weight: String = "normal") {
        body += "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" font-weight=\"\(weight)\">\(SVGPlot.escape(s))</text>\n"
    }

    /// Axis ticks: `xTicks` as (value, label); y ticks are computed.
    /// `slanted` tilts the x labels, for long names.
    /// `yTicks` false leaves the y axis unlabelled (a chart of named rows, such as a tornado).
    func render(xTicks: [(Double, String)], legend: [(String, String)] = [], slanted: Bool = false, yTicks: Bool = true) -> String {
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(SVGPlot.width)) \(Int(SVGPlot.height))\" role=\"img\" aria-label=\"\(SVGPlot.escape(title))\">\n"
        s += "<text x=\"\(f(SVGPlot.left))\" y=\"20\" font-size=\"17\" font-weight=\"bold\">\(SVGPlot.escape(title))</text>\n"
        for v in yTicks ? SVGPlot.ticks(yRange) : [] {
            let y = py(v)
            s += "<line x1=\"\(f(SVGPlot.left))\" x2=\"\(f(SVGPlot.width - SVGPlot.right))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>\n"
            s += "<text x=\"\(f(SVGPlot.left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"12\">\(SVGPlot.label(v))</text>\n"
        }
        s += body
        let base = SVGPlot.top + plotHeight
        s += "<line x1=\"\(f(SVGPlot.left))\" x2=\"\(f(SVGPlot.width - SVGPlot.right))\" y1=\"\(f(base))\" y2=\"\(f(base))\" stroke=\"#333\"/>\n"
        s += "<line x1=\"\(f(SVGPlot.left))\" x2=\"\(f(SVGPlot.left))\" y1=\"\(f(SVGPlot.top))\" y2=\"\(f(base))\" stroke=\"#333\"/>\n"
        for (v, l) in xTicks {
            if slanted {
                s +=
                    "<text transform=\"translate(\(f(px(v) + 4)) \(f(base + 12))) rotate(-30)\" text-anchor=\"end\" font-size=\"11\">\(SVGPlot.escape(l))</text>\n"
            } else {
                // A label at either edge is anchored inside the picture, so it is never clipped.
                let anchor = px(v) > SVGPlot.width - SVGPlot.right - 20 ? "end" : "middle"
                s += "<text x=\"\(f(px(v)))\" y=\"\(f(base + 16))\" text-anchor=\"\(anchor)\" font-size=\"12\">\(SVGPlot.escape(l))</text>\n"
            }
        }
        if !xLabel.isEmpty && !slanted {
            s +=
                "<text x=\"\(f(SVGPlot.left + plotWidth / 2))\" y=\"\(f(SVGPlot.height - 8))\" text-anchor=\"middle\" font-size=\"13\">\(SVGPlot.escape(xLabel))</text>\n"
        }
        s +=
            "<text transform=\"translate(14 \(f(SVGPlot.top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">\(SVGPlot.escape(yLabel))</text>\n"
        var lx = SVGPlot.left
        for (name, color) in legend {
            s +=
                "<rect x=\"\(f(lx))\" y=\"29\" width=\"11\" height=\"11\" fill=\"\(color)\"/><text x=\"\(f(lx + 15))\" y=\"39\" font-size=\"12\">\(SVGPlot.escape(name))</text>\n"
            lx += Double(name.count) * 7.2 + 30
        }
        return s + "</svg>\n"
    }

    func f(_ x: Double) -> String { FixedDecimal.format(x, digits: 1) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at or above `x`.
    static func niceCeiling(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let p = pow(10, (log10(x)).rounded(.down))
        for m in [1, 2, 2.5, 5, 10] where m * p >= x { return m * p }
        return 10 * p
    }

    static func ticks(_ r: ClosedRange<Double>) -> [Double] {
        let step = niceCeiling((r.upperBound - r.lowerBound) / 5)
        // Multiples of the step within the range (a range below zero has round ticks too).
        let first = (r.lowerBound / step).rounded(.up) * step
        return stride(from: first, through: r.upperBound + step / 1000, by: step).map { $0 }
    }

    static func label(_ v: Double) -> String {
        if abs(v) >= 1e6 { return String(format: "%gM", v / 1e6) }
        if abs(v) >= 1e3 { return String(format: "%gk", v / 1e3) }
        return String(format: "%g", v)
    }
}
