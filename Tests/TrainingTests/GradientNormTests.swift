import NN
import Tensors
import Testing
import Training

/// Per-layer and total gradient norms, clip-grad-norm with PyTorch's semantics, and the NaN/Inf guard's naming.
@Suite struct GradientNormTests {
    /// A two-layer model with hand-set gradients: layer norms are sqrt of their sums of squares.
    func modelWithGradients(_ first: [Float], _ second: [Float]) -> Module {
        let model = Sequential(Linear(2, 1, rng: RandomSource(seed: 0)), Linear(1, 1, rng: RandomSource(seed: 1)))
        let params = model.namedParameters  // 0.weight [1,2], 0.bias [1], 1.weight [1,1], 1.bias [1]
        params[0].1.grad = Tensor(shape: [1, 2], Array(first.prefix(2)))
        params[1].1.grad = Tensor(shape: [1], [first[2]])
        params[2].1.grad = Tensor(shape: [1, 1], [second[0]])
        params[3].1.grad = Tensor(shape: [1], [second[1]])
        return model
    }

    @Test func layerNormsAndTotalAreL2() {
        let model = modelWithGradients([3, 4, 12], [6, 8])
        let norms = GradientNorms.measure(model)
        #expect(norms.layers.map(\.name) == ["0", "1"])
        #expect(norms.layers.map(\.norm) == [13, 10])
        #expect(abs(norms.total - (169.0 + 100).squareRoot()) < 1e-12)
    }

    @Test func clippingScalesByMaxNormOverTotalPlusEpsilon() {
        let model = modelWithGradients([3, 4, 12], [6, 8])
        let total = GradientNorms.measure(model).total
        let scale = clipGradients(of: model, maxNorm: 1, totalNorm: total)
        #expect(scale == Float(1 / (total + 1e-6)))
        #expect(model.parameters[0].grad!.scalars == [3 * scale, 4 * scale])
        #expect(abs(GradientNorms.measure(model).total - 1) < 1e-5)
    }

    @Test func gradientsBelowMaxNormAreLeftAlone() {
        let model = modelWithGradients([0.3, 0.4, 0], [0, 0])
        #expect(clipGradients(of: model, maxNorm: 1, totalNorm: GradientNorms.measure(model).total) == 1)
        #expect(model.parameters[0].grad!.scalars == [0.3, 0.4])
    }

    @Test func guardNamesTheFirstLayerHoldingNaNOrInf() {
        #expect(GradientNorms.firstNonFiniteLayer(modelWithGradients([1, 2, 3], [4, 5])) == nil)
        #expect(GradientNorms.firstNonFiniteLayer(modelWithGradients([1, 2, 3], [.nan, .infinity])) == "1")
        #expect(GradientNorms.firstNonFiniteLayer(modelWithGradients([1, -.infinity, 3], [.nan, 5])) == "0")
    }

    @Test func nestedLayersAreNamedByModulePath() {
        let model = Architecture.shapes_cnn.make(classes: 3)
        for p in model.parameters { p.grad = Tensor(repeating: 1, shape: p.shape) }
        let names = GradientNorms.measure(model).layers.map(\.name)
        #expect(names.first == "0.0")
        #expect(names.contains("0.1"))
        #expect(names.last == "10")
    }
}
