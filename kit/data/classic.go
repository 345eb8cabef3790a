package data

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dlc-go/denoising/internal/repo"
)

// ClassicInstallCommand fetches the classic test images into
// [ClassicDir]: `make setup` runs it (scripts/setup.sh downloads the two
// Debian packages with `apt-get download` and extracts the files listed
// in [ClassicImages] without installing the packages and their
// dependencies).
const ClassicInstallCommand = "make setup"

// ClassicImage is one of the classic test images of the image-processing
// literature, as shipped in a Debian package.
type ClassicImage struct {
	// Name is the file name without extension, e.g. "baboon".
	Name string
	// File is the file's path inside the package.
	File string
	// Package is the Debian package (at the version in ClassicPackages).
	Package string
	// Origin says where the picture comes from (its upstream's notes).
	Origin string
	// W, H are its size in pixels.
	W, H int
	// SHA256 is the hex SHA-256 of the file, checked when it is loaded.
	SHA256 string
}

// ClassicPackages are the Debian packages (bookworm) that hold the
// classic images and the versions whose files [ClassicImages] describes.
// Both are BSD-3-Clause per their Debian copyright files.
var ClassicPackages = map[string]string{
	"opencv-doc":      "4.6.0+dfsg-12",
	"python3-skimage": "0.19.3-8",
}

const (
	opencvData  = "usr/share/doc/opencv-doc/examples/data/"
	skimageData = "usr/lib/python3/dist-packages/skimage/data/"
)

// classicCatalog lists every natural photograph of at least 256 pixels a
// side among the two packages' sample folders, minus stereo and
// calibration series (left/right*, aloe*, aero*, graf*, leuven*,
// basketball*: several views of one scene, or chessboards), renders and
// logos, textures (brick, grass, gravel), microscopy and medical images,
// and text: 14 single photos, the kind of picture Kodak24, Set14 (which
// holds the baboon) or BSD68 collect.
var classicCatalog = []ClassicImage{
	{"astronaut", skimageData + "astronaut.png", "python3-skimage", "NASA (public domain): Eileen Collins", 512, 512,
		"88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5"},
	{"baboon", opencvData + "baboon.jpg", "opencv-doc", "USC-SIPI 'Mandrill', also in Set14", 512, 512,
		"1a1dd18d78eec44420af3b0b7f08ee3d41c982916cae3ce203d7ff35d754cc0f"},
	{"building", opencvData + "building.jpg", "opencv-doc", "OpenCV sample data", 868, 600,
		"742a1baad62ac82e91e718e77eedf7e85c2eddc4badfb8c87c6cbc86c45a8b07"},
	{"butterfly", opencvData + "butterfly.jpg", "opencv-doc", "OpenCV sample data", 493, 356,
		"34a99716b78ded10eae87b4880de739d3e68cc7dd1a96812bb28f469d5eeaea8"},
	{"camera", skimageData + "camera.png", "python3-skimage", "scikit-image's CC0 cameraman (Lav Varshney)", 512, 512,
		"b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a"},
	{"chelsea", skimageData + "chelsea.png", "python3-skimage", "scikit-image (Stefan van der Walt, CC0)", 451, 300,
		"596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb"},
	{"coffee", skimageData + "coffee.png", "python3-skimage", "scikit-image (Rachel Michetti, CC0)", 600, 400,
		"cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7"},
	{"coins", skimageData + "coins.png", "python3-skimage", "scikit-image (Galata Museum, public domain)", 384, 303,
		"f8d773fc9cfa6f4d8e5942dc34d0a0788fcaed2a4fefbbed0aef5398d7ef4cba"},
	{"fruits", opencvData + "fruits.jpg", "opencv-doc", "OpenCV sample data", 512, 480,
		"9c031d80a1c52da5eca790db896baffec6a7e52bf786cdb7bbfca5c7f880e6a1"},
	{"home", opencvData + "home.jpg", "opencv-doc", "OpenCV sample data", 512, 384,
		"23b8cf46a1965d0ec33459b875aed43187802834db49e0daa9fa2cc842e9d8d2"},
	{"messi5", opencvData + "messi5.jpg", "opencv-doc", "OpenCV sample data", 548, 342,
		"1d570e49654e84c7a943918537bd9e5e1ef82920152e147c834006e235be97c9"},
	{"moon", skimageData + "moon.png", "python3-skimage", "scikit-image sample data", 512, 512,
		"78739619d11f7eb9c165bb5d2efd4772cee557812ec847532dbb1d92ef71f577"},
	{"motorcycle_left", skimageData + "motorcycle_left.png", "python3-skimage", "Middlebury stereo 2014 (left view)", 741, 500,
		"db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179"},
	{"rocket", skimageData + "rocket.jpg", "python3-skimage", "scikit-image (SpaceX, CC0)", 640, 427,
		"c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c"},
}

// ClassicImages returns the catalogue of classic test images, sorted by
// Name (a copy: changing it does not change the catalogue).
func ClassicImages() []ClassicImage {
	return append([]ClassicImage(nil), classicCatalog...)
}

// EnvClassicDir overrides [ClassicDir].
const EnvClassicDir = "DENOISING_CLASSIC_DIR"

// ClassicDir is where scripts/setup.sh puts the classic images, flat (one
// file per image, its base name): $DENOISING_CLASSIC_DIR if set, else
// <repository root>/.cache/data/classic, the root found from
// $DENOISING_ROOT or by walking up from the working directory (then from
// this source file) to the go.mod of github.com/dlc-go/denoising.
func ClassicDir() (string, error) {
	if d := strings.TrimSpace(os.Getenv(EnvClassicDir)); d != "" {
		return filepath.Abs(d)
	}
	root, err := repo.Root(EnvClassicDir)
	if err != nil {
		return "", fmt.Errorf("data: %w", err)
	}
	return filepath.Join(root, ".cache", "data", "classic"), nil
}

// LoadClassicImages decodes the classic test images as [LoadImageFile]
// does (gray: BT.601 luma; factor >= 1: box downscaling), in catalogue
// order. Each file's SHA-256 is checked against the catalogue, so that
// the numbers computed on them stay comparable. Missing files give an
// error wrapping [ErrNotInstalled] that names [ClassicInstallCommand].
func LoadClassicImages(gray bool, factor int) ([]*Image, error) {
	dir, err := ClassicDir()
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, c := range classicCatalog {
		if _, err := os.Stat(filepath.Join(dir, filepath.Base(c.File))); err != nil {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %d of %d classic test images missing from %s (first: %s); "+
			"`%s` fetches them (apt-get download %s, extracted without installing)",
			ErrNotInstalled, len(missing), len(classicCatalog), dir, missing[0], ClassicInstallCommand, "opencv-doc python3-skimage")
	}
	out := make([]*Image, len(classicCatalog))
	for i, c := range classicCatalog {
		path := filepath.Join(dir, filepath.Base(c.File))
		if err := checkSHA256(path, c.SHA256); err != nil {
			return nil, err
		}
		im, err := LoadImageFile(path, c.Name, gray, factor)
		if err != nil {
			return nil, err
		}
		if im.W != c.W/factor || im.H != c.H/factor {
			return nil, fmt.Errorf("data: classic image %s decoded to %dx%d, want %dx%d", path, im.W, im.H, c.W/factor, c.H/factor)
		}
		out[i] = im
	}
	return out, nil
}

// checkSHA256 fails unless the file's SHA-256 is want (hex).
func checkSHA256(path, want string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("data: reading %s: %w", path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("data: %s has SHA-256 %s, want %s (a different or damaged file; `%s` fetches it again)",
			path, got[:16], want[:16], ClassicInstallCommand)
	}
	return nil
}
