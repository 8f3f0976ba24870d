import Testing
@testable import Evaluation

@Suite struct ScoreOrderTests {
    /// Both the small (comparison) and large (radix) paths equal a stable sort on −score.
    @Test(arguments: [10, 5000])
    func equalsAStableSortByDescendingScore(count: Int) {
        var generator = SystemRandomNumberGenerator()
        let pool: [Double] = [0.5, 0.25, 0, -0.0, 1, -3, 1e-300, 0.3, 0.30000000000000004, 2e10]
        let scores = (0..<count).map { i in i % 3 == 0 ? Double.random(in: -1...1, using: &generator) : pool[Int.random(in: 0..<pool.count, using: &generator)] }
        var expected = Array(scores.indices)
        // Insertion sort: stable by construction.
        for i in 1..<expected.count {
            var j = i
            while j > 0 && scores[expected[j - 1]] < scores[expected[j]] { expected.swapAt(j - 1, j); j -= 1 }
        }
        #expect(ScoreOrder.descending(scores) == expected)
    }
}
