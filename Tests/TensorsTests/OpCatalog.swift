import Tensors

/// Every golden case's op in Swift: the same computation the generator ran in PyTorch.
/// `x` holds the case's inputs by name (already marked as requiring gradients where the golden has them).
let opCatalog: [String: @Sendable (GoldenCase, [String: Tensor]) -> Tensor] = [
    "add_broadcast": { _, x in x["a"]! + x["b"]! },
    "sub_broadcast": { _, x in x["a"]! - x["b"]! },
    "mul_broadcast": { _, x in x["a"]! * x["b"]! },
    "div_broadcast": { _, x in x["a"]! / x["b"]! },
    "maximum": { _, x in Tensor.maximum(x["a"]!, x["b"]!) },
    "minimum": { _, x in Tensor.minimum(x["a"]!, x["b"]!) },
    "neg": { _, x in -x["x"]! },
    "exp": { _, x in x["x"]!.exp() },
    "log": { _, x in x["x"]!.log() },
    "sqrt": { _, x in x["x"]!.sqrt() },
    "abs": { _, x in x["x"]!.abs() },
    "pow": { c, x in x["x"]!.pow(c.float("p", 1)) },
    "clamp": { c, x in x["x"]!.clamp(min: c.float("min", 0), max: c.float("max", 0)) },
    "scalar_ops": { _, x in let v = x["x"]!; return (2 - v) * 3 / (1.5 + v * v) + 0.25 },
    "relu": { _, x in x["x"]!.relu() },
    "sigmoid": { _, x in (x["x"]! * 4).sigmoid() },
    "tanh": { _, x in x["x"]!.tanh() },
    "gelu": { _, x in (x["x"]! * 2).gelu() },
    "softplus": { _, x in (x["x"]! * 5).softplus() },

    "sum_all": { _, x in x["x"]!.sum() },
    "mean_all": { _, x in x["x"]!.mean() },
    "sum_axes_keep": { _, x in x["x"]!.sum(axes: [1, 3], keepDims: true) },
    "mean_axes": { _, x in x["x"]!.mean(axes: [0, 2]) },
    "max_axis": { _, x in x["x"]!.max(axis: 1) },

    "matmul": { _, x in x["a"]!.matmul(x["b"]!) },
    "matmul_batched": { _, x in x["a"]!.matmul(x["b"]!) },
    "linear": { _, x in linear(x["x"]!, x["w"]!, x["b"]) },

    "conv2d_basic": { _, x in conv2d(x["x"]!, x["w"]!, x["b"], padding: 1) },
    "conv2d_stride_dilation": { c, x in conv2d(x["x"]!, x["w"]!, stride: c.int("stride", 1), padding: c.int("padding", 0), dilation: c.int("dilation", 1)) },
    "conv2d_groups": { c, x in conv2d(x["x"]!, x["w"]!, x["b"], padding: 1, groups: c.int("groups", 1)) },
    "conv2d_depthwise7": { c, x in conv2d(x["x"]!, x["w"]!, x["b"], padding: c.int("padding", 0), groups: c.int("groups", 1)) },
    "conv2d_depthwise_stride": { c, x in conv2d(x["x"]!, x["w"]!, stride: c.int("stride", 1), padding: c.int("padding", 0), groups: c.int("groups", 1)) },
    "conv2d_pointwise": { _, x in conv2d(x["x"]!, x["w"]!) },
    "conv2d_pointwise_stride2": { c, x in conv2d(x["x"]!, x["w"]!, stride: c.int("stride", 1)) },
    "conv2d_7x7_stride2": { c, x in conv2d(x["x"]!, x["w"]!, stride: c.int("stride", 1), padding: c.int("padding", 0)) },
    "conv2d_batch_chunks": { _, x in conv2d(x["x"]!, x["w"]!, padding: 1) },

    "maxpool_3s2p1": { _, x in maxPool2d(x["x"]!, kernel: 3, stride: 2, padding: 1) },
    "maxpool_2": { _, x in maxPool2d(x["x"]!, kernel: 2) },
    "avgpool_3s2p1": { _, x in avgPool2d(x["x"]!, kernel: 3, stride: 2, padding: 1) },
    "global_avgpool": { _, x in globalAvgPool2d(x["x"]!) },
    "adaptive_avgpool": { _, x in adaptiveAvgPool2d(x["x"]!, size: (3, 4)) },

    "batchnorm_train": { c, x in
        batchNorm(x["x"]!, weight: x["w"], bias: x["b"], runningMean: c.constant("running_mean_in"),
                  runningVar: c.constant("running_var_in"), training: true)
    },
    "batchnorm_eval": { c, x in
        batchNorm(x["x"]!, weight: x["w"], bias: x["b"], runningMean: c.constant("running_mean_in"),
                  runningVar: c.constant("running_var_in"), training: false)
    },
    "layernorm_last": { _, x in layerNorm(x["x"]!, weight: x["w"], bias: x["b"], eps: 1e-6) },
    "softmax_axis1": { _, x in (x["x"]! * 3).softmax(axis: 1) },
    "logsoftmax_last": { _, x in (x["x"]! * 3).logSoftmax(axis: -1) },

    "bilinear_up_half_pixel": { _, x in upsampleBilinear(x["x"]!, size: (7, 9), alignCorners: false) },
    "bilinear_down_half_pixel": { _, x in upsampleBilinear(x["x"]!, size: (3, 2), alignCorners: false) },
    "bilinear_up_corners": { _, x in upsampleBilinear(x["x"]!, size: (7, 9), alignCorners: true) },

    "concat_axis1": { _, x in Tensor.concat([x["a"]!, x["b"]!], axis: 1) },
    "slice_axis2": { _, x in x["x"]!.sliced(axis: 2, 1..<4) },
    "reshape": { _, x in x["x"]!.reshaped([4, 6]) * Tensor(shape: [4, 6], (0..<24).map(Float.init)) },
    "permute_nhwc": { _, x in x["x"]!.permuted([0, 2, 3, 1]) },
    "pad_hw": { _, x in x["x"]!.padded([(0, 0), (0, 0), (1, 3), (2, 1)]) },

    "cross_entropy_smooth_ignore": { c, x in
        crossEntropy(x["x"]!, targets: c.params["targets"]!.ints, labelSmoothing: c.float("label_smoothing", 0))
    },
    "cross_entropy_segmentation": { c, x in
        crossEntropy(x["x"]!, targets: c.params["targets"]!.ints, ignoreIndex: c.int("ignore_index", -100))
    },
    "bce_with_logits": { c, x in bceWithLogits(x["x"]! * 3, c.constant("y")) },
    "focal": { c, x in sigmoidFocalLoss(x["x"]! * 3, c.constant("y"), reduction: .mean) },
    "smooth_l1": { c, x in smoothL1Loss(x["a"]!, x["b"]!, beta: c.float("beta", 1)) },
    "giou": { _, x in generalizedBoxIoULoss(x["a"]!, x["b"]!) },
    "dice_softmax": { c, x in diceLoss(x["p"]!.softmax(axis: 1), c.constant("targets")) },
    "dropblock": { c, x in dropBlock2d(x["x"]!, seeds: c.constant("seeds"), blockSize: 3) },
]
