/// Cropping a window and resizing it, for image, mask and boxes alike.
enum Crop {
    static func resized(_ sample: AnnotatedSample, crop: (x: Int, y: Int, width: Int, height: Int), width: Int, height: Int,
                        minVisible: Double) -> AnnotatedSample {
        var window = PlanarImage(width: crop.width, height: crop.height, channels: sample.image.channels)
        for channel in 0..<window.channels {
            for y in 0..<crop.height {
                for x in 0..<crop.width { window[channel, y, x] = sample.image[channel, crop.y + y, crop.x + x] }
            }
        }
        let scaleX = Double(width) / Double(crop.width), scaleY = Double(height) / Double(crop.height)
        let mask = sample.mask.map { mask in
            // Nearest source pixel for each target pixel centre: class indices must not be blended.
            let labels = (0..<(width * height)).map { index -> UInt8 in
                let x = crop.x + min(crop.width - 1, Int((Double(index % width) + 0.5) / scaleX))
                let y = crop.y + min(crop.height - 1, Int((Double(index / width) + 0.5) / scaleY))
                return mask.label(x: x, y: y)
            }
            return SegmentationMask(width: width, height: height, labels: labels)
        }
        let boxes = sample.boxes.compactMap { box in
            LabeledBox(x: (box.x - Double(crop.x)) * scaleX, y: (box.y - Double(crop.y)) * scaleY,
                       width: box.width * scaleX, height: box.height * scaleY, label: box.label)
                .clipped(width: width, height: height, minVisible: minVisible)
        }
        return AnnotatedSample(image: Resize.resize(window, width: width, height: height), boxes: boxes, mask: mask)
    }
}
