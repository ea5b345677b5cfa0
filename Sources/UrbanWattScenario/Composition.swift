import Foundation
import Yams

/// `extends: NAME-or-path`: a scenario built on another. Its top-level keys replace the parent's,
/// except `fleets`: a fleet named like one of the parent's overrides it key by key, a new name adds a
/// fleet, and `remove: [names]` drops parent fleets. Parents may extend in turn (up to 8 deep).
///
/// The composed document holds nodes of several files. `Origins` remembers which file each
/// top-level key, fleet and fleet key came from, so every error names the file that holds it.
struct Composition {
    static let maximumDepth = 8

    /// Which file (an index into `files`) each part of the composed document came from.
    struct Origins {
        var top: [String: Int] = [:]
        var fleets: [(file: Int, keys: [String: Int])] = []
        /// The name of each fleet, for paths that name it (`fleets[parking]`).
        var fleetNames: [String?] = []

        /// The file of the value at `path` ("fleets[parking].radio.type", "fleets[3]", "period.step").
        func file(of path: String) -> Int {
            let head = path.prefix { $0 != "." && $0 != "[" }
            guard head == "fleets", path.hasPrefix("fleets["), let close = path.firstIndex(of: "]") else { return top[String(head)] ?? 0 }
            let label = String(path[path.index(path.startIndex, offsetBy: 7)..<close])
            guard let i = Int(label) ?? fleetNames.firstIndex(of: label), fleets.indices.contains(i) else {
                return top[String(head)] ?? 0
            }
            let rest = path[path.index(after: close)...].drop { $0 == "." }
            let key = String(rest.prefix { $0 != "." && $0 != "[" })
            return fleets[i].keys[key] ?? fleets[i].file
        }
    }

    let reader: YAMLReader
    private(set) var files: [String]
    /// The text of each of `files`, for the citations in their comments.
    private(set) var texts: [String]

    init(reader: YAMLReader, text: String = "") {
        self.reader = reader
        files = [reader.file]
        texts = [text]
    }

    /// The document `root` of `files[index]` with its `extends` resolved; nil origins when it extends nothing.
    mutating func resolve(_ document: Node, index: Int = 0, depth: Int = 0) -> (Node, Origins?) {
        let root = Self.electricityAsGrid(document)
        guard case .mapping(let m) = root else { return (root, nil) }
        func at(_ key: String) -> Cursor? { m[key].map { Cursor(node: $0, path: key) } }
        guard let extends = at("extends") else {
            if let remove = at("remove") { reader.error(remove, "`remove` drops fleets of the scenario named by `extends`, which is missing") }
            return (root, nil)
        }
        guard let target = reader.string(extends, what: "a built-in scenario name or a path to a .yaml file"),
            let parent = load(target, at: extends, from: index, depth: depth)
        else { return (root, nil) }
        let (parentRoot, parentOrigins) = resolve(parent.root, index: parent.index, depth: depth + 1)
        guard case .mapping(let pm) = parentRoot else { return (root, nil) }
        var origins = Origins()
        var pairs: [(Node, Node)] = []
        for (k, v) in pm {
            let key = k.scalar?.string ?? ""
            pairs.append((k, v))
            origins.top[key] = parentOrigins?.top[key] ?? parent.index
        }
        var removed = Set<String>()
        if let remove = at("remove"), let items = reader.list(remove, what: "a list of fleet names") {
            let names = fleetNames(pm["fleets"])
            for item in items {
                guard let name = reader.string(item, what: "a fleet name") else { continue }
                if names.contains(name) {
                    removed.insert(name)
                } else {
                    reader.error(item, "`\(target)` has no fleet `\(name)`" + Suggestion.didYouMean(name, in: names))
                }
            }
        }
        for (k, v) in m {
            let key = k.scalar?.string ?? ""
            if key == "extends" || key == "remove" { continue }
            let value = key == "fleets" ? mergeFleets(pm["fleets"], parentOrigins, parent.index, v, index, removed, &origins) : v
            if let i = pairs.firstIndex(where: { $0.0.scalar?.string == key }) { pairs[i] = (k, value) } else { pairs.append((k, value)) }
            if key != "fleets" { origins.top[key] = index }
        }
        if m["fleets"] == nil, let fleets = pm["fleets"] {
            let merged = mergeFleets(fleets, parentOrigins, parent.index, nil, index, removed, &origins)
            if let i = pairs.firstIndex(where: { $0.0.scalar?.string == "fleets" }) { pairs[i] = (pairs[i].0, merged) }
        }
        return (.mapping(Node.Mapping(pairs, .implicit, .block, m.mark)), origins)
    }

    /// The parent's fleets less `removed`, each overridden key by key by the child's fleet of the same
    /// name, then the child's new fleets.
    private func mergeFleets(
        _ parent: Node?, _ parentOrigins: Origins?, _ parentIndex: Int, _ child: Node?, _ childIndex: Int,
        _ removed: Set<String>, _ origins: inout Origins
    ) -> Node {
        var items: [Node] = []
        origins.fleets = []
        defer { origins.fleetNames = items.map(Self.name) }
        var mark: Mark?
        if case .sequence(let s) = parent {
            mark = s.mark
            for (j, item) in s.enumerated() where !removed.contains(Self.name(item) ?? "\u{0}") {
                items.append(item)
                origins.fleets.append(parentOrigins.map { $0.fleets.indices.contains(j) ? $0.fleets[j] : (parentIndex, [:]) } ?? (parentIndex, [:]))
            }
        }
        // `fleets:` left empty (its examples commented out, as `urbanwatt new --from` writes it)
        // changes no fleet, as no `fleets:` at all.
        let empty = child.map { Cursor(node: $0, path: "").isNull || $0.scalar?.string == "" } ?? true
        guard case .sequence(let s)? = child else {
            if let child, !empty { origins.top["fleets"] = childIndex; return child }
            return .sequence(Node.Sequence(items, .implicit, .block, mark))
        }
        origins.top["fleets"] = childIndex
        mark = s.mark
        for item in s {
            guard let name = Self.name(item), let i = items.firstIndex(where: { Self.name($0) == name }),
                case .mapping(var base) = items[i], case .mapping(let over) = item
            else {
                items.append(item)
                origins.fleets.append((childIndex, [:]))
                continue
            }
            // The fleet is now the child's: what it lacks or no longer fits (a key missing after `kind`
            // changed) is reported at the override; each key stays with the file that gave it.
            let parentFile = origins.fleets[i].file
            for (k, _) in base where origins.fleets[i].keys[k.scalar?.string ?? ""] == nil {
                origins.fleets[i].keys[k.scalar?.string ?? ""] = parentFile
            }
            origins.fleets[i].file = childIndex
            for (k, v) in over {
                let key = k.scalar?.string ?? ""
                // The child's key node replaces the parent's, so a problem with it is found at its line.
                base[k] = nil
                base[k] = v
                origins.fleets[i].keys[key] = childIndex
            }
            base.mark = over.mark
            items[i] = .mapping(base)
        }
        return .sequence(Node.Sequence(items, .implicit, .block, mark))
    }

    /// `carriers: {electricity: …}` is the grid under its carrier name: read as `grid:`, so that a
    /// child giving either replaces its parent's, and a draw keeps its path (`grid.carbon_intensity`).
    /// A document giving both keeps both, for the decoder to report.
    static func electricityAsGrid(_ root: Node) -> Node {
        guard case .mapping(let m) = root, m["grid"] == nil, case .mapping(var carriers)? = m["carriers"],
            let electricity = carriers["electricity"]
        else { return root }
        carriers["electricity"] = nil
        var pairs: [(Node, Node)] = []
        for (k, v) in m {
            if k.scalar?.string == "carriers" {
                pairs.append((Node("grid"), electricity))
                if !carriers.isEmpty { pairs.append((k, .mapping(carriers))) }
            } else {
                pairs.append((k, v))
            }
        }
        return .mapping(Node.Mapping(pairs, m.tag, m.style, m.mark))
    }

    private static func name(_ fleet: Node) -> String? {
        if case .mapping(let m) = fleet { return m["name"]?.scalar?.string }
        return nil
    }

    private func fleetNames(_ fleets: Node?) -> [String] {
        guard case .sequence(let s) = fleets else { return [] }
        return s.compactMap(Self.name)
    }

    /// The parent document named by `target`: a built-in scenario, or a file relative to the one that
    /// names it. Problems are reported at `extends`.
    private mutating func load(_ target: String, at c: Cursor, from index: Int, depth: Int) -> (root: Node, index: Int)? {
        if depth >= Self.maximumDepth {
            reader.error(c, "`extends` goes \(Self.maximumDepth) scenarios deep; is there a cycle?")
            return nil
        }
        let here = files[index]
        let isPath = target.contains("/") || target.hasSuffix(".yaml") || target.hasSuffix(".yml")
        let file: String
        let text: String
        if isPath {
            if here.hasPrefix("<built-in") {
                reader.error(c, "a built-in scenario extends only built-in scenarios, not `\(target)`")
                return nil
            }
            let base = URL(fileURLWithPath: here).deletingLastPathComponent()
            file = target.hasPrefix("/") ? target : base.appendingPathComponent(target).standardizedFileURL.relativePath(from: here)
            guard let data = FileManager.default.contents(atPath: file) else {
                reader.error(c, "cannot read `\(file)`")
                return nil
            }
            do { text = try ScenarioDecoder.text(of: data, file: file, checkStart: false) } catch {
                // Reported where the child names it, with where in the parent (not what is there).
                let first = error.diagnostics.first.map { "\($0.line):\($0.column): \($0.message)" } ?? "unreadable"
                let more = error.diagnostics.count > 1 ? " (and \(error.diagnostics.count - 1) more)" : ""
                reader.error(c, "`\(file)` cannot be read as a scenario: \(first)\(more)")
                return nil
            }
            // A file given by mistake (`extends: /etc/shadow`): refused here, none of it quoted.
            if ScenarioDecoder.firstLineNotAMapping(text) != nil {
                reader.error(
                    c, "`\(file)` is not an UrbanWatt scenario: it does not begin with a `key: value` mapping such as `urbanwatt: 1` (its content is not shown)"
                )
                return nil
            }
        } else {
            guard let t = BuiltinScenarios.text(named: target) else {
                reader.error(
                    c,
                    "unknown scenario `\(target)` (built-in: \(BuiltinScenarios.names.joined(separator: ", ")); or a path to a .yaml file)"
                        + Suggestion.didYouMean(target, in: BuiltinScenarios.names))
                return nil
            }
            file = "<built-in \(target)>"
            text = t
        }
        if files.contains(file) {
            reader.error(c, "`extends` comes back to `\(target)`: a scenario cannot extend itself")
            return nil
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            reader.append([ScenarioDecoder.yamlDiagnostic(error, file: file)])
            return nil
        } catch {
            reader.error(c, "\(file): \(error)")
            return nil
        }
        guard let root else { reader.error(c, "`\(file)` is empty"); return nil }
        files.append(file)
        texts.append(text)
        return (root, files.count - 1)
    }
}

extension URL {
    /// The path as written relative to the current folder when `reference` was relative.
    fileprivate func relativePath(from reference: String) -> String {
        guard !reference.hasPrefix("/") else { return path }
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }
}
