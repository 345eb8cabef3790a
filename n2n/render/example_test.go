package render_test

import (
	"fmt"

	"github.com/dlc-go/denoising/n2n/render"
)

// Two independent noisy renders of the same view are a Noise2Noise pair
// (x^, y^): both have the clean image as their expectation.
func ExampleRender() {
	scene := render.Variation(7)
	opt := render.Options{Width: 32, Height: 24, SPP: 4, Seed: 1}
	x, err := render.Render(scene, opt)
	if err != nil {
		panic(err)
	}
	opt.Seed = 2
	y, err := render.Render(scene, opt)
	if err != nil {
		panic(err)
	}
	fmt.Printf("x^: [%d, %d, 3], %d values\n", x.H, x.W, len(x.Pix))
	l, _ := render.LHDR(x.Pix, y.Pix)
	fmt.Println("L_HDR(x^, y^) > 0:", l > 0)
	// Output:
	// x^: [24, 32, 3], 2304 values
	// L_HDR(x^, y^) > 0: true
}

// The white furnace: inside a closed sphere whose surface has albedo rho and
// emits Le, every pixel sees Le / (1 - rho).
func ExampleRender_furnace() {
	m := render.Material{Albedo: render.RGB{0.5, 0.5, 0.5}, Emission: render.RGB{1, 1, 1}}
	scene := &render.Scene{
		Camera:  render.Camera{Position: render.V(0, 0, 0), LookAt: render.V(0, 0, 1), Up: render.V(0, 1, 0), FOV: 90},
		Spheres: []render.Sphere{{Radius: 1, Inward: true, Material: m}},
	}
	im, err := render.Render(scene, render.Options{Width: 32, Height: 32, SPP: 64, Seed: 1})
	if err != nil {
		panic(err)
	}
	var mean float64
	for _, v := range im.Pix {
		mean += float64(v)
	}
	mean /= float64(len(im.Pix))
	fmt.Printf("mean radiance %.2f, Le/(1-rho) = %.2f\n", mean, 1/(1-0.5))
	// Output:
	// mean radiance 2.00, Le/(1-rho) = 2.00
}

func ExampleToneMapValue() {
	for _, v := range []float32{0, 0.25, 1, 4, 100} {
		fmt.Printf("T(%g) = %.3f\n", v, render.ToneMapValue(v))
	}
	// Output:
	// T(0) = 0.000
	// T(0.25) = 0.481
	// T(1) = 0.730
	// T(4) = 0.904
	// T(100) = 0.995
}
