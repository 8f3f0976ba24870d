/// Which images of a shapes fixture are hard, and how. Most images are plain, so the classes stay learnable; a
/// fixed minority carries exactly one difficulty each, so error analysis can group results by it.
enum DifficultySchedule {
    /// Images per cycle. The first `Difficulty.allCases.count` images of every cycle are hard (20 %), the rest plain.
    static let cycle = 25

    /// The difficulty of image `index`, or nil for a plain image.
    ///
    /// Classification image k shows class k mod 5, so each cycle makes one image of every class hard, the
    /// difficulties rotating over the classes from cycle to cycle. Look-alike goes to rectangles and ellipses in
    /// turn, the classes that have a look-alike (a square is what a near-square rectangle is mistaken for).
    static func difficulty(ofImage index: Int, task: ShapesFixture.Task) -> Difficulty? {
        let all = Difficulty.allCases
        let position = index % cycle, round = index / cycle
        guard position < all.count else { return nil }
        let rotated = { (slot: Int) in all[(slot + round) % all.count] }
        guard task == .classification else { return rotated(position) }
        let holder = ShapeClass.allCases.firstIndex(of: round.isMultiple(of: 2) ? .rectangle : .ellipse)!
        if position == holder { return .lookalike }
        // The class the rotation gave look-alike to takes the holder's difficulty instead.
        return rotated(position) == .lookalike ? rotated(holder) : rotated(position)
    }
}
