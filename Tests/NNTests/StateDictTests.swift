import Foundation
import NN
import Tensors
import Testing

@Suite struct StateDictTests {
    @Test func resnetNamesFollowTorchvision() {
        let names = ResNet(.resnet18).stateDict.map(\.name)
        #expect(names.count == 122)  // len(torchvision.models.resnet18().state_dict())
        #expect(names.prefix(6) == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked"])
        #expect(names.contains("layer2.0.downsample.1.running_var"))
        #expect(names.last == "fc.bias")
    }

    @Test func modulesAreFoundByDottedPath() {
        let model = ResNet(.resnet18)
        #expect(model.module(at: "layer4") === model.layer4)
        #expect(model.module(at: "layer4.1.conv2") === (model.layer4.layers[1] as! BasicBlock).conv2)
        #expect(model.module(at: "layer9") == nil)
    }
}
