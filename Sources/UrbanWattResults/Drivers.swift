/// What drives the answer: for every uncertain input of a `--runs` result, how strongly the net
/// and the total energy follow it over the runs. Both measures come from the runs themselves, with
/// no extra simulation:
///
/// - Spearman's rank correlation: the Pearson correlation of the ranks (ties get their mean rank);
///   its sign says which way the answer moves.
/// - The first-order share of variance, Var(E[Y | X]) / Var(Y), estimated by binned conditional
///   means: the runs sorted by the input and cut into √N bins of equal count, the variance of the
///   bin means (weighted by bin size) over the variance of Y. With independent inputs the shares
///   add up to at most about 1; what is left is interaction and noise, which the binning also
///   lifts a little (of order 1/√N for an input with no effect).
public enum Drivers {
    /// The outputs each input is weighed against: the net (CO2 where the grid gives it, else kWh)
    /// and the total energy.
    static func outputs(_ stats: [MonteCarlo.RunStats]) -> [(name: String, values: [Double])] {
        guard let first = stats.first else { return [] }
        var out: [(String, [Double])] = []
        let net =
            first.groups.firstIndex { $0.section == "balance" && $0.key == "net_co2_kg" }
            ?? first.groups.firstIndex { $0.section == "balance" && $0.key == "net_kwh" }
        if let k = net { out.append((first.groups[k].key, stats.map { $0.groups[k].value })) }
        if let k = first.totals.firstIndex(where: { $0.0 == "energy_kwh" }) { out.append(("energy_kwh", stats.map { $0.totals[k].1 })) }
        return out
    }

    /// Every input of the runs, the one that explains most of the net's variance first.
    public static func rank(_ stats: [MonteCarlo.RunStats]) -> [RunSummary.Driver] {
        guard stats.count >= 3, let inputs = stats.first?.inputs.map(\.0), stats.allSatisfy({ $0.inputs.map(\.0) == inputs }) else { return [] }
        let outputs = outputs(stats)
        let drivers = inputs.indices.map { k in
            let x = stats.map { $0.inputs[k].1 }
            return RunSummary.Driver(
                input: inputs[k],
                rankCorrelation: outputs.map { RunSummary.Named(name: $0.name, value: spearman(x, $0.values)) },
                firstOrder: outputs.map { RunSummary.Named(name: $0.name, value: firstOrder(x, $0.values)) })
        }
        return drivers.enumerated().sorted { a, b in
            let (x, y) = (a.element.firstOrder.first?.value ?? 0, b.element.firstOrder.first?.value ?? 0)
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }

    /// Ranks from 1, ties sharing their mean rank.
    static func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
            for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return r
    }

    /// Pearson's correlation; 0 when either side does not vary.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    static func spearman(_ x: [Double], _ y: [Double]) -> Double { pearson(ranks(x), ranks(y)) }

    /// Var(E[Y | X]) / Var(Y) by √N bins of equal count along X, in [0, 1]; 0 when Y does not vary.
    static func firstOrder(_ x: [Double], _ y: [Double]) -> Double {
        let n = y.count
        let mean = y.reduce(0, +) / Double(n)
        let total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        guard total > 0 else { return 0 }
        let order = x.indices.sorted { x[$0] < x[$1] }
        let bins = max(2, Int(Double(n).squareRoot()))
        var explained = 0.0
        for b in 0..<bins {
            let members = order[(b * n / bins)..<((b + 1) * n / bins)]
            guard !members.isEmpty else { continue }
            let m = members.reduce(0) { $0 + y[$1] } / Double(members.count)
            explained += Double(members.count) * (m - mean) * (m - mean)
        }
        return min(1, explained / total)
    }
}
