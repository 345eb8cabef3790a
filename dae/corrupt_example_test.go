package dae_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dlc-go/denoising/dae"
)

// The lecture's six corruptions, with the Gaussian noise levels converted
// from normalised units to [0, 1] pixel units.
func ExampleLectureCorruptions() {
	for _, c := range dae.LectureCorruptions() {
		if g, ok := c.(dae.Gaussian); ok {
			fmt.Printf("%s: sigma %g std units = %.4f in [0,1] units\n", c.Name(), g.SigmaNorm, g.Sigma01())
			continue
		}
		fmt.Println(c.Name())
	}
	// Output:
	// erasure-p0.5
	// erasure-p0.9
	// gaussian-sigma2: sigma 2 std units = 0.6162 in [0,1] units
	// gaussian-sigma4: sigma 4 std units = 1.2324 in [0,1] units
	// block-10
	// block-16
}

// Mask a 3x3 block of a 5x8 white image: the mask marks the square, which
// lies fully inside the image, and the pixels there are set to 0.
func ExampleBlock() {
	const h, w = 5, 8
	src := make([]float32, h*w)
	for i := range src {
		src[i] = 1
	}
	rng := rand.New(rand.NewPCG(1, 2))
	dst, mask, err := dae.CorruptCopy(dae.Block{Size: 3}, src, 1, h, w, rng)
	if err != nil {
		panic(err)
	}
	for y := range h {
		for x := range w {
			switch {
			case mask[y*w+x] && dst[y*w+x] == 0:
				fmt.Print("#")
			case !mask[y*w+x] && dst[y*w+x] == 1:
				fmt.Print(".")
			default:
				fmt.Print("?")
			}
		}
		fmt.Println()
	}
	// Output:
	// ........
	// ........
	// ...###..
	// ...###..
	// ...###..
}

// Erase 90% of the pixels of 100 gray images: about 90% of the mask
// is set.
func ExampleErasure() {
	const n = 100
	src := make([]float32, n*28*28)
	for i := range src {
		src[i] = 0.5
	}
	rng := rand.New(rand.NewPCG(1, 2))
	dst, mask, err := dae.CorruptCopy(dae.Erasure{P: 0.9}, src, n, 28, 28, rng)
	if err != nil {
		panic(err)
	}
	erased := 0
	for i, m := range mask {
		if m && dst[i] == 0 {
			erased++
		}
	}
	fmt.Printf("erased: %.1f%%\n", 100*float64(erased)/float64(len(src)))
	// Output:
	// erased: 90.0%
}
