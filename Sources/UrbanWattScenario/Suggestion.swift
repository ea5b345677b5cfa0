/// "Did you mean …?" for a misspelt key or name.
enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo,
    /// or one that starts like it (`streetlamp`, `streetlight`: the first 6 letters) or holds it
    /// whole (`charger`, `ev-charger`).
    static func closest(to word: String, in candidates: [String]) -> String? {
        let w = word.lowercased()
        let scored = candidates.map { ($0, distance(w, $0.lowercased())) }
        if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) { return best.0 }
        func related(_ c: String) -> Bool {
            let c = c.lowercased()
            return zip(w, c).prefix { $0 == $1 }.count >= 6 || (w.count >= 5 && c.contains(w)) || (c.count >= 5 && w.contains(c))
        }
        return scored.filter { related($0.0) }.min(by: { $0.1 < $1.1 })?.0
    }

    /// ", did you mean `x`?" or "" — ready to append to a message.
    static func didYouMean(_ word: String, in candidates: [String]) -> String {
        closest(to: word, in: candidates).map { "; did you mean `\($0)`?" } ?? ""
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
