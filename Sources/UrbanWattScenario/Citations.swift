import Yams

/// The sources a scenario's comments cite beside its figures: `power: 6 W  # at most 6 W [MsbG]`
/// makes `[MsbG]` the source of `fleets[smart-meter-gateways].power`, and `(U)` marks an
/// assumption. Kept through decoding so that the assumptions a run lists carry them.
enum Citations {
    /// The citations of the grid's keys and of each fleet's keys in the composed document `root`,
    /// by path (`grid.carbon_intensity`, `fleets[parking].radio`): the comment on the key's line,
    /// else on the line where its value starts. `texts` are the files' texts, in `files` order.
    static func collect(_ root: Node, texts: [String], origins: Composition.Origins?) -> [String: String] {
        let lines = texts.map { $0.split(separator: "\n", omittingEmptySubsequences: false) }
        func marks(_ key: Node, _ value: Node, file: Int) -> String? {
            guard lines.indices.contains(file) else { return nil }
            for mark in [key.mark, value.mark] {
                guard let line = mark?.line, lines[file].indices.contains(line - 1),
                    let comment = comment(of: lines[file][line - 1]), let found = Self.marks(in: comment)
                else { continue }
                return found
            }
            return nil
        }
        var out: [String: String] = [:]
        for figure in figures(root) {
            let file = origins?.file(of: figure.path.hasPrefix("grid.") ? "grid" : figure.path) ?? 0
            if let m = marks(figure.key, figure.value, file: file) { out[figure.path] = m }
        }
        return out
    }

    /// Every key of the grid and of each fleet that `root` gives, by path, with its key and value nodes.
    static func figures(_ root: Node) -> [(path: String, key: Node, value: Node)] {
        guard case .mapping(let top) = root else { return [] }
        var out: [(path: String, key: Node, value: Node)] = []
        if let grid = top["grid"], case .mapping(let g) = grid {
            for (k, v) in g { if let key = k.scalar?.string { out.append(("grid.\(key)", k, v)) } }
        }
        if let fleets = top["fleets"], case .sequence(let list) = fleets {
            for fleet in list {
                guard case .mapping(let f) = fleet, let name = f["name"]?.scalar?.string else { continue }
                for (k, v) in f { if let key = k.scalar?.string { out.append(("fleets[\(name)].\(key)", k, v)) } }
            }
        }
        return out
    }

    /// `sources:`, the citations as data: `{grid.carbon_intensity: "[UBA2026]", "fleets[lights].power": "(U)"}`.
    /// A scenario that extends another is written with them for its shards (`selfContained`), where
    /// the parent's comments are gone. Each path names a figure the scenario gives; each value cites.
    static func declared(_ c: Cursor, root: Node, reader r: YAMLReader, inherited: Bool = false) -> [String: String] {
        let what = "a mapping of figures to their sources, such as {grid.carbon_intensity: \"[UBA2026]\"}"
        guard let pairs = r.pairs(c, what: what) else { return [:] }
        let given = figures(root).map(\.path)
        let known = Set(given)
        var out: [String: String] = [:]
        for p in pairs {
            guard known.contains(p.key) else {
                if inherited { continue }
                r.error(
                    p.keyCursor,
                    "`\(Cursor.shown(p.key))` is not a figure of this scenario; expected grid.KEY or fleets[NAME].KEY of a key it gives"
                        + Suggestion.didYouMean(p.key, in: given))
                continue
            }
            if out[p.key] != nil { r.error(p.keyCursor, "duplicate key `\(p.key)`"); continue }
            guard let text = r.string(p.value, what: "the figure's source: a [KEY] of docs/sources.md or (U)") else { continue }
            guard let found = marks(in: Substring(text)) else {
                r.error(p.value, "expected the figure's source: a [KEY] of docs/sources.md or (U), got \"\(Cursor.shown(text))\"")
                continue
            }
            out[p.key] = found
        }
        return out
    }

    /// `root` with `citations` as its `sources:` (sorted by path), for a self-contained scenario.
    static func writing(_ citations: [String: String], into root: Node) -> Node {
        guard case .mapping(let m) = root, !citations.isEmpty else { return root }
        var pairs = m.filter { $0.key.scalar?.string != "sources" }.map { ($0.key, $0.value) }
        let sources = citations.sorted { $0.key < $1.key }.map { (Node($0.key), Node($0.value, Tag(.str), .doubleQuoted)) }
        pairs.append((Node("sources"), .mapping(Node.Mapping(sources))))
        return .mapping(Node.Mapping(pairs, m.tag, m.style, m.mark))
    }

    /// The text after the first `#` outside quotes that begins a comment, or nil.
    static func comment(of line: Substring) -> Substring? {
        var quote: Character?
        var previous: Character = " "
        for i in line.indices {
            let c = line[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" && (previous == " " || previous == "\t" || i == line.startIndex) {
                return line[line.index(after: i)...]
            }
            previous = c
        }
        return nil
    }

    /// The `[KEY]`s and `(U)` of `comment`, in order, or nil when it has neither.
    static func marks(in comment: Substring) -> String? {
        let found = comment.matches(of: /\[[A-Za-z][A-Za-z0-9.-]*[0-9A-Za-z]\]|\(U\)/).map { String($0.output) }
        var seen = Set<String>()
        let unique = found.filter { seen.insert($0).inserted }
        return unique.isEmpty ? nil : unique.joined(separator: " ")
    }
}
