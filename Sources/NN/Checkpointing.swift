import Tensors

/// Gradient checkpointing (torch.utils.checkpoint): a checkpointed module keeps only its output of the forward
/// pass, so its intermediate activations are freed as soon as it returns, and runs again during backward to get
/// them back.
/// Memory falls by the block's activations; compute rises by one more forward of the block.
///
/// The replay must compute what the first pass did: the noise streams of stochastic layers are rewound to where
/// the first pass started, and buffers (BatchNorm's running statistics) are put back afterwards, so they advance
/// once per step as without checkpointing.
public enum GradientCheckpointing {
    /// Checkpoints `module`. `noise` lists the random streams its stochastic layers draw from.
    public static func enable(_ module: Module, noise: [RandomSource] = []) {
        module.forwardRunner = { [unowned module] x in
            let parameters = module.parameters.filter(\.requiresGrad)
            guard GradMode.isEnabled, x.requiresGrad || !parameters.isEmpty else { return module.forward(x) }
            let streamsBefore = noise.map(\.generator)
            // The first pass records as usual, so it takes the same kernels as the replay (convolution picks another
            // primitive without a tape); only its output is kept, and the graph behind it is freed on return.
            let y = module.forward(x).detached()
            return Tensor.recorded(y, from: [x] + parameters) { upstream in
                let streamsAfter = noise.map(\.generator)
                let buffersAfter = module.namedBuffers.map { $0.1.tensor.copy() }
                for (source, state) in zip(noise, streamsBefore) { source.generator = state }
                let input = x.detached()
                input.requiresGrad = x.requiresGrad
                let replayed = GradMode.$isEnabled.withValue(true) { module.forward(input) }
                // Parameters collect their gradients here, from the replayed graph; the input's goes on outward.
                replayed.backward(upstream)
                for (source, state) in zip(noise, streamsAfter) { source.generator = state }
                for ((_, buffer), saved) in zip(module.namedBuffers, buffersAfter) {
                    buffer.tensor.data.update(from: saved.data, count: saved.count)
                }
                return [input.grad] + parameters.map { _ in nil }
            }
        }
    }

    public static func disable(_ module: Module) { module.forwardRunner = nil }
}
