/// Path arithmetic on plain strings. Foundation's `NSString.deletingLastPathComponent` traps on a
/// one-character relative path (`--out a`), so results, goldens and staging folders are named with
/// these instead.
package enum PathText {
    /// The folder part and the last component: "out/a" → ("out", "a"), "a" → ("", "a"), "a/" → ("", "a").
    package static func split(_ path: String) -> (parent: String, name: String) {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let i = p.lastIndex(of: "/") else { return ("", String(p)) }
        let parent = p[..<i]
        return (parent.isEmpty ? "/" : String(parent), String(p[p.index(after: i)...]))
    }

    /// `name` inside `folder` ("" is the current folder).
    package static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The name without its last extension: "mittelstadt.yaml" → "mittelstadt".
    package static func stem(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
