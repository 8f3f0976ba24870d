import NN
import Tensors
import Testing
import Training

/// The small CPU configurations learn: a few optimizer steps on a fixed batch drive the loss well down.
@Suite struct SmallModelTrainingTests {
    @Test(arguments: [Architecture.convnext_nano, .shapes_cnn])
    func fixedBatchIsLearned(_ arch: Architecture) {
        let model = arch.make(classes: 4, seed: 1)
        model.train()
        var rng = SeededGenerator(seed: 2)
        let x = Tensor.randn([8, 3, 32, 32], using: &rng)
        let labels = [0, 1, 2, 3, 0, 1, 2, 3]
        let optimizer = AdamW(ParameterGroup.standard(model, rate: 3e-3, weightDecay: 0.05))
        var losses: [Float] = []
        for _ in 0..<25 {
            optimizer.zeroGrad()
            let loss = crossEntropy(model(x), targets: labels)
            losses.append(loss.item)
            loss.backward()
            optimizer.step()
        }
        #expect(losses.last! < 0.5 * losses.first!, "\(arch.rawValue): \(losses)")
    }
}
