import Datasets
import Testing

@Suite struct SeededGeneratorTests {
    /// SplitMix64 reference outputs for seed 0 (from the algorithm's published C code).
    @Test func matchesSplitMix64() {
        var generator = SeededGenerator(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func belowIsInRangeAndCoversIt() {
        var generator = SeededGenerator(seed: 42)
        let draws = (0..<600).map { _ in generator.below(6) }
        #expect(draws.allSatisfy { (0..<6).contains($0) })
        #expect(Set(draws).count == 6)
        #expect(draws.filter { $0 == 0 }.count > 60)  // roughly 100 expected
    }

    @Test func uniformStaysInItsInterval() {
        var generator = SeededGenerator(seed: 1)
        let values = (0..<1000).map { _ in generator.uniform(-2, 3) }
        #expect(values.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(values.min()! < -1.9 && values.max()! > 2.9)
    }
}
