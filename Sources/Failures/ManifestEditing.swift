/// The edits behind `fovea failures select|add|remove|pin|unpin`.
extension FailureManifest {
    /// Replaces the unpinned cases with a new selection. Cases that stay keep their place, first-seen
    /// iteration and note; new ones are appended in the selection's order.
    public mutating func apply(_ selection: FailureSelection, iteration: String) {
        let selected = Set(selection.cases.map(\.key))
        var next = cases.filter { $0.pinned || selected.contains($0.id) }
        let kept = Set(next.map(\.id))
        next += selection.cases.filter { !kept.contains($0.key) }.map { FailureCase(record: $0, iteration: iteration) }
        cases = next
    }

    public mutating func add(_ newCase: FailureCase) throws {
        guard index(of: newCase.id) == nil else { throw FailuresError("case \(newCase.id) is already in the failure set") }
        cases.append(newCase)
    }

    public mutating func remove(id: String) throws {
        guard let i = index(of: id) else { throw FailuresError("case \(id) is not in the failure set") }
        cases.remove(at: i)
    }

    /// `note` replaces the case's note when given.
    public mutating func setPinned(_ pinned: Bool, id: String, note: String? = nil) throws {
        guard let i = index(of: id) else { throw FailuresError("case \(id) is not in the failure set") }
        cases[i].pinned = pinned
        if let note { cases[i].note = note }
    }
}
