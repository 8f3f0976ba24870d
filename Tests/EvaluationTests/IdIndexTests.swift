import Testing
@testable import Evaluation

@Suite struct IdIndexTests {
    @Test func denseAndSparseIdsGiveTheSamePositions() {
        for ids in [[5, 3, 9, 3], [5_000_000_000, -2, 7, -2]] {
            let index = IdIndex(ids)
            #expect(index[ids[0]] == 0 && index[ids[1]] == 1 && index[ids[2]] == 2)
            #expect(index[ids[3]] == 1, "first occurrence wins")
            #expect(index[4] == nil && index[-1] == nil && index[Int.max] == nil)
        }
        #expect(IdIndex([])[0] == nil)
    }
}
