package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassicImages(t *testing.T) {
	cat := ClassicImages()
	if len(cat) != 14 {
		t.Fatalf("%d classic images, want 14", len(cat))
	}
	ims, err := LoadClassicImages(true, 1)
	if err != nil {
		t.Fatalf("`make setup` fetches the classic images on the development machines; got %v", err)
	}
	for i, im := range ims {
		c := cat[i]
		if i > 0 && cat[i-1].Name >= c.Name {
			t.Errorf("catalogue not sorted: %q then %q", cat[i-1].Name, c.Name)
		}
		if _, ok := ClassicPackages[c.Package]; !ok {
			t.Errorf("%s: package %q has no version in ClassicPackages", c.Name, c.Package)
		}
		if im.Name != c.Name || im.W != c.W || im.H != c.H || im.C != 1 {
			t.Errorf("%s: loaded %q %dx%dx%d, want %dx%dx1", c.Name, im.Name, im.W, im.H, im.C, c.W, c.H)
		}
		lo, hi, mean := float32(1), float32(0), 0.0
		for _, v := range im.Pix {
			lo, hi = min(lo, v), max(hi, v)
			mean += float64(v)
		}
		mean /= float64(len(im.Pix))
		// Photographs: values in [0, 1], a real range, not black or white.
		if lo < 0 || hi > 1 || hi-lo < 0.5 || mean < 0.1 || mean > 0.9 {
			t.Errorf("%s: values in [%g, %g], mean %.3f: not a photograph's", c.Name, lo, hi, mean)
		}
	}
	// The catalogue is a copy.
	cat[0].Name = "changed"
	if ClassicImages()[0].Name == "changed" {
		t.Error("ClassicImages returned the catalogue itself")
	}
	// Downscaling by 2 keeps the catalogue's sizes, floored.
	half, err := LoadClassicImages(true, 2)
	if err != nil {
		t.Fatal(err)
	}
	if half[1].W != cat[1].W/2 || half[1].H != cat[1].H/2 {
		t.Errorf("factor 2: %s is %dx%d", half[1].Name, half[1].W, half[1].H)
	}
}

func TestClassicImagesMissingOrDamaged(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvClassicDir, dir)
	_, err := LoadClassicImages(true, 1)
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), ClassicInstallCommand) || !strings.Contains(err.Error(), "14 of 14") {
		t.Fatalf("empty folder: got %v, want ErrNotInstalled naming %q", err, ClassicInstallCommand)
	}
	// Copy the real files, then damage one byte of one of them.
	t.Setenv(EnvClassicDir, "")
	src, err := ClassicDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ClassicImages() {
		b, err := os.ReadFile(filepath.Join(src, filepath.Base(c.File)))
		if err != nil {
			t.Fatalf("`make setup` fetches the classic images: %v", err)
		}
		if c.Name == "coins" {
			b[len(b)/2] ^= 1
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(c.File)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvClassicDir, dir)
	_, err = LoadClassicImages(true, 1)
	if err == nil || !strings.Contains(err.Error(), "coins.png has SHA-256") {
		t.Fatalf("damaged coins.png: got %v, want a SHA-256 mismatch", err)
	}
	if errors.Is(err, ErrNotInstalled) {
		t.Errorf("a damaged file is not a missing one: %v", err)
	}
}
