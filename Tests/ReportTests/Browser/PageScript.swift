/// JavaScript evaluated in the page after its load event (Runtime.evaluate, awaitPromise, returnByValue).
enum PageScript {
    /// Forces lazy images to load (eager, and a scroll to the bottom in case a script watches the viewport), waits
    /// until every image has loaded or failed (at most `imageWaitMilliseconds`), scrolls back to the top, and
    /// returns `{images: [{src, loaded}], links: [href], background: [r, g, b]}`.
    ///
    /// The background is the colour the canvas is painted with: the root element's background if not transparent,
    /// else the body's (CSS propagation), over the browser's white base; resolved through a 1×1 canvas so any CSS
    /// colour syntax works.
    static func settleAndDescribe(imageWaitMilliseconds: Int) -> String {
        """
        (async () => {
          const images = Array.from(document.images);
          for (const image of images) if (image.loading === 'lazy') image.loading = 'eager';
          window.scrollTo(0, document.documentElement.scrollHeight);
          const settled = image => image.complete ? null : new Promise(done => {
            image.addEventListener('load', done, {once: true});
            image.addEventListener('error', done, {once: true});
          });
          await Promise.race([Promise.all(images.map(settled)),
                              new Promise(done => setTimeout(done, \(imageWaitMilliseconds)))]);
          window.scrollTo(0, 0);

          const pixel = Object.assign(document.createElement('canvas'), {width: 1, height: 1}).getContext('2d');
          const paint = (...colours) => {
            pixel.clearRect(0, 0, 1, 1);
            for (const colour of colours) { pixel.fillStyle = colour; pixel.fillRect(0, 0, 1, 1); }
            return Array.from(pixel.getImageData(0, 0, 1, 1).data);
          };
          const backgroundOf = element => element ? getComputedStyle(element).backgroundColor : 'transparent';
          let canvasColour = backgroundOf(document.documentElement);
          if (paint(canvasColour)[3] === 0) canvasColour = backgroundOf(document.body);

          return {
            images: images.map(image => ({src: image.currentSrc || image.src,
                                          loaded: image.complete && image.naturalWidth > 0})),
            links: Array.from(document.querySelectorAll('a[href]'), anchor => anchor.href),
            background: paint('#ffffff', canvasColour).slice(0, 3),
          };
        })()
        """
    }
}
