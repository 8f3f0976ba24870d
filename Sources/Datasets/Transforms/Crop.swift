/// Cropping a window and resizing it, for image, masks and boxes alike.
enum Crop {
    /// `resample` scales the cropped image to `width` × `height`; masks and boxes move by nearest neighbour and scaling.
    static func resized(_ sample: AnnotatedSample, crop: (x: Int, y: Int, width: Int, height: Int), width: Int, height: Int,
                        minVisible: Double, resample: (PlanarImage, Int, Int) -> PlanarImage = Resize.resize) -> AnnotatedSample {
        var window = PlanarImage(width: crop.width, height: crop.height, channels: sample.image.channels)
        for channel in 0..<window.channels {
            for y in 0..<crop.height {
                for x in 0..<crop.width { window[channel, y, x] = sample.image[channel, crop.y + y, crop.x + x] }
            }
        }
        let scaleX = Double(width) / Double(crop.width), scaleY = Double(height) / Double(crop.height)
        // Nearest source pixel for each target pixel centre, inside the window.
        let moved = NearestRemap.annotations(of: sample, width: width, height: height) { x, y in
            (Double(crop.x) + min(Double(crop.width) - 0.5, (Double(x) + 0.5) / scaleX),
             Double(crop.y) + min(Double(crop.height) - 0.5, (Double(y) + 0.5) / scaleY))
        }
        let boxes = sample.boxes.map { box in
            LabeledBox(x: (box.x - Double(crop.x)) * scaleX, y: (box.y - Double(crop.y)) * scaleY,
                       width: box.width * scaleX, height: box.height * scaleY, label: box.label)
                .clipped(width: width, height: height, minVisible: minVisible)
        }
        return AnnotatedSample(image: resample(window, width, height), movedBoxes: boxes,
                               mask: moved.mask, movedInstanceMasks: moved.instances)
    }
}

extension AnnotatedSample {
    /// The whole sample stretched to `width` × `height`: the image by `resample` (area/bilinear `Resize` unless the
    /// caller resamples as its model's input does), boxes scaled (a box thinner than a pixel afterwards is dropped),
    /// masks by nearest neighbour so class indices are never blended.
    public func stretched(width: Int, height: Int,
                          resample: (PlanarImage, Int, Int) -> PlanarImage = Resize.resize) -> AnnotatedSample {
        if width == image.width && height == image.height { return self }
        return Crop.resized(self, crop: (0, 0, image.width, image.height), width: width, height: height, minVisible: 0, resample: resample)
    }
}
