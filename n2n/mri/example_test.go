package mri_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dlc-go/denoising/n2n/mri"
)

// The sampling density keeps 10% of a 224 x 224 spectrum on average.
func ExampleNewDensity() {
	d, err := mri.NewDensity(mri.DefaultSize, mri.DefaultKeep, mri.DefaultR0)
	if err != nil {
		panic(err)
	}
	var mean float64
	for _, p := range d.P {
		mean += p
	}
	fmt.Printf("c = %.2f, mean p = %.3f, p(DC) = %.0f\n", d.C, mean/float64(len(d.P)), d.P[0])
	// Output:
	// c = 3.21, mean p = 0.100, p(DC) = 1
}

// A Noise2Noise pair: two independent corruptions of the same slice.
func ExampleDensity_Corrupt() {
	vol, err := mri.LoadCH2()
	if err != nil {
		fmt.Println(err) // e.g. "... install it with `sudo apt-get install mricron-data` or `make setup`"
		return
	}
	x, err := mri.AxialSlice(vol, 110, mri.SliceOptions{})
	if err != nil {
		panic(err)
	}
	d, err := mri.NewDensity(mri.DefaultSize, mri.DefaultKeep, mri.DefaultR0)
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	input, _ := d.Corrupt(x, rng)
	target, _ := d.Corrupt(x, rng)
	fmt.Println(len(input.Unbiased), len(target.Unbiased))
}
