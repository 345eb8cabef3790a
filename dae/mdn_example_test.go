package dae_test

import (
	"fmt"

	"github.com/dlc-go/denoising/dae"
)

// A two-component mixture in the plane, as the MDN returns for a query in
// the gap: half the mass at each end of the arc. Its mean falls between the
// modes, where no sample lands; its samples split between them.
func ExampleMixture() {
	m := dae.Mixture{
		Weights: []float64{0.5, 0.5},
		Means:   [][2]float64{{0.98, 0.2}, {0.98, -0.2}},
		Stds:    []float64{0.01, 0.01},
	}
	samples, err := m.Sample(10000, 1)
	if err != nil {
		panic(err)
	}
	up, nearMean := 0, 0
	for _, s := range samples {
		if s[1] > 0 {
			up++
		}
		if s[1] > -0.1 && s[1] < 0.1 {
			nearMean++
		}
	}
	fmt.Printf("mean: (%.2f, %.2f)\n", m.Mean()[0], m.Mean()[1])
	fmt.Printf("samples above the axis: %.2f\n", float64(up)/10000)
	fmt.Printf("samples within 0.1 of the mean's height: %d\n", nearMean)
	// Output:
	// mean: (0.98, 0.00)
	// samples above the axis: 0.50
	// samples within 0.1 of the mean's height: 0
}
