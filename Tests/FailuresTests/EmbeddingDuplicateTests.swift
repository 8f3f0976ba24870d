import Testing
@testable import Failures

/// Failures that look alike to the model (close embeddings) collapse even on different images.
@Suite struct EmbeddingDuplicateTests {
    func withEmbedding(_ r: CaseRecord, _ e: [Float]) -> CaseRecord { var r = r; r.embedding = e; return r }

    @Test func closeEmbeddingsOnDifferentImagesCollapse() {
        let cases = [
            withEmbedding(sampleCase(1, classId: 0, error: "Cls", confidence: 0.9), [1, 0, 0]),
            withEmbedding(sampleCase(2, classId: 0, error: "Cls", confidence: 0.8), [0.99, 0.05, 0]),  // cosine ≈ 0.999
            withEmbedding(sampleCase(3, classId: 0, error: "Cls", confidence: 0.7), [0, 1, 0]),        // orthogonal
            sampleCase(4, classId: 0, error: "Cls", confidence: 0.6),                                  // no embedding
        ]
        let s = FailureSelector.select(from: cases, policy: SelectionPolicy(minCases: 10))
        #expect(s.cases.map(\.key) == ["sample-1", "sample-3", "sample-4"])
        #expect(s.collapsedDuplicates == 1)
    }

    @Test func cosineNeedsTwoNonZeroVectorsOfOneLength() {
        #expect(FailureSelector.cosineSimilarity([1, 0], [1, 0]) == 1)
        #expect(FailureSelector.cosineSimilarity([1, 0], nil) == nil)
        #expect(FailureSelector.cosineSimilarity([1, 0], [1, 0, 0]) == nil)
        #expect(FailureSelector.cosineSimilarity([0, 0], [1, 0]) == nil)
    }
}
