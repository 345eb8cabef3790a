package sdae_test

import (
	"fmt"
	"math"

	"github.com/dlc-go/denoising/sdae"
)

// A quarter turn about the centre is the exact pixel rotation (counter-clockwise
// as displayed, like numpy's rot90).
func ExampleRotateImage() {
	src := []float32{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	dst := make([]float32, 9)
	if err := sdae.RotateImage(dst, src, 3, 3, math.Pi/2); err != nil {
		panic(err)
	}
	for y := range 3 {
		fmt.Printf("%.0f\n", dst[3*y:3*y+3])
	}
	// Output:
	// [3 6 9]
	// [2 5 8]
	// [1 4 7]
}

// The rectangles problem: label 1 when the outline is taller than wide. An
// h x w outline has 2(h+w) - 4 pixels; sides are uniform in 3..28 (pairs
// closer than 3 rejected), so about 2*31 - 4 = 58 on average.
func ExampleRect_Generate() {
	images, labels, err := sdae.Rect{}.Generate(1000, 1)
	if err != nil {
		panic(err)
	}
	tall, white := 0, 0
	for i, l := range labels {
		tall += l
		for _, v := range images[i*784 : (i+1)*784] {
			if v > 0 {
				white++
			}
		}
	}
	fmt.Printf("%d images, %d tall, %.1f outline pixels per image\n", len(labels), tall, float64(white)/1000)
	// Output:
	// 1000 images, 506 tall, 58.5 outline pixels per image
}

// The convex problem: convex regions have no convexity defect; non-convex
// ones have black pixels at least one pixel deep inside their hull.
func ExampleConvex_Generate() {
	images, labels, err := sdae.Convex{}.Generate(200, 1)
	if err != nil {
		panic(err)
	}
	var count, defects [2]int
	minDepth := math.Inf(1)
	for i, l := range labels {
		missing, depth := sdae.ConvexityDefect(images[i*784:(i+1)*784], 0.5)
		count[l]++
		if missing > 0 {
			defects[l]++
		}
		if l == sdae.LabelNot {
			minDepth = math.Min(minDepth, depth)
		}
	}
	fmt.Printf("convex: %d (with defects: %d); not convex: %d (with defects: %d, depth >= 1: %v)\n",
		count[1], defects[1], count[0], defects[0], minDepth >= 1)
	// Output:
	// convex: 96 (with defects: 0); not convex: 104 (with defects: 104, depth >= 1: true)
}

// bg-rand with CompositeReplace: digit pixels are kept, the background becomes
// uniform noise of mean 1/2.
func ExampleBgRand_Generate() {
	// One synthetic "digit": a vertical bar of value 1.
	digit := make([]float32, 784)
	for y := 4; y < 24; y++ {
		for x := 12; x < 16; x++ {
			digit[y*28+x] = 1
		}
	}
	gen := sdae.BgRand{Digits: sdae.Digits{Images: digit, Labels: []int{1}}, Composite: sdae.CompositeReplace}
	images, labels, err := gen.Generate(100, 1)
	if err != nil {
		panic(err)
	}
	var sum float64
	kept := true
	for i := range labels {
		for j, d := range digit {
			v := images[i*784+j]
			if d > 0 {
				kept = kept && v == d
			} else {
				sum += float64(v)
			}
		}
	}
	fmt.Printf("digit kept: %v, background mean %.2f\n", kept, sum/float64(100*(784-80)))
	// Output:
	// digit kept: true, background mean 0.50
}
