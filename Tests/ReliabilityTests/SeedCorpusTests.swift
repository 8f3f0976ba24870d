import Foundation
import FuzzTargets
import Testing

/// The short fuzzing run of the test suite: every seed and regression input of every harness, then a few hundred
/// seeded mutations of them, through the same entry points as the libFuzzer harnesses. Each input must be
/// accepted or refused with one line naming the file; a trap or a sanitizer report fails the whole run.
@Suite("Fuzz seed corpora")
struct SeedCorpusTests {
    static let mutationsPerTarget = 300

    @Test(arguments: FuzzTarget.allCases)
    func seedsAndRegressions(target: FuzzTarget) {
        let corpus = Corpus(target)
        #expect(corpus.seeds.count >= 3, "fixtures/fuzz/\(target.harness)/seeds holds too few inputs")
        var accepted = 0
        for (name, bytes) in corpus.seeds + corpus.regressions {
            let outcome = target.run(bytes)
            expectOneLine(outcome, input: name)
            if outcome == .accepted { accepted += 1 }
        }
        // Valid seeds must pass, or the reader refuses everything and the mutations below prove nothing.
        #expect(accepted >= 2, "only \(accepted) inputs of \(target.harness) were accepted")
    }

    @Test(arguments: FuzzTarget.allCases)
    func seededMutations(target: FuzzTarget) {
        let corpus = Corpus(target)
        let inputs = corpus.seeds + corpus.regressions
        guard !inputs.isEmpty else { Issue.record("no inputs for \(target.harness)"); return }
        var mutator = Mutator(seed: 0xF0FEA + UInt64(FuzzTarget.allCases.firstIndex(of: target)!))
        var refused = 0
        for index in 0..<Self.mutationsPerTarget {
            let (name, seed) = inputs[index % inputs.count]
            let outcome = target.run(mutator.mutate(seed, for: target))
            expectOneLine(outcome, input: "mutation \(index) of \(name)")
            if case .refused = outcome { refused += 1 }
        }
        // The mutations must reach the error paths, or they test nothing.
        #expect(refused >= Self.mutationsPerTarget / 10, "only \(refused) mutations of \(target.harness) were refused")
    }

    /// A refusal is one line that names the input file (every reader puts the path first).
    private func expectOneLine(_ outcome: FuzzTarget.Outcome, input: String) {
        guard case .refused(let message) = outcome else { return }
        #expect(message.contains("fovea-fuzz-"), "\(input): the message does not name the file: \(message)")
        #expect(!message.contains("\n"), "\(input): the message spans lines: \(message)")
    }
}
