package dae_test

import (
	"fmt"
	"math"

	"github.com/dlc-go/denoising/dae"
	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
)

// The autoencoder's layers with a 16-channel code: output shapes and
// parameter counts.
func ExampleMNISTLayerTable() {
	fmt.Print(dae.MNISTLayerTable(16))
	// Output:
	// layer  op                            kernel stride output             params
	// input                                              [N, 28, 28, 1]
	// enc1   Conv2D(1->32) ReLU            5      1      [N, 24, 24, 32]       832
	// enc2   Conv2D(32->32) ReLU           5      1      [N, 20, 20, 32]     25632
	// enc3   Conv2D(32->32) ReLU           4      2      [N, 9, 9, 32]       16416
	// enc4   Conv2D(32->32) ReLU           3      2      [N, 4, 4, 32]        9248
	// enc5   Conv2D(32->16)                4      1      [N, 1, 1, 16]        8208
	// dec1   ConvTranspose2D(16->32) ReLU  4      1      [N, 4, 4, 32]        8224
	// dec2   ConvTranspose2D(32->32) ReLU  3      2      [N, 9, 9, 32]        9248
	// dec3   ConvTranspose2D(32->32) ReLU  4      2      [N, 20, 20, 32]     16416
	// dec4   ConvTranspose2D(32->32) ReLU  5      1      [N, 24, 24, 32]     25632
	// dec5   ConvTranspose2D(32->1)        5      1      [N, 28, 28, 1]        801
	// total                                                                 120657
}

// Train the MNIST denoiser for two steps on four digits (a smoke run; the
// lecture's settings are dae.DefaultMNISTConfig), then evaluate it on the
// first 20 test digits under its 10x10 block mask. Needs MNIST (make setup).
func ExampleTrainMNIST() {
	cfg := dae.DefaultMNISTConfig(dae.Block{Size: 10})
	cfg.TrainSize, cfg.Batch, cfg.Steps = 4, 4, 2
	res, err := dae.TrainMNIST(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.Name(), "steps:", res.Train.Steps)
	test, err := data.MNIST(data.Test)
	if err != nil {
		panic(err)
	}
	ev, err := dae.EvaluateMNIST(res, test, nil, 1, 20)
	if err != nil {
		panic(err)
	}
	fmt.Println("digits:", ev.N, "examples:", ev.Examples.N)
	fmt.Println("finite PSNRs:", !math.IsNaN(ev.DenoisedPSNR) && !math.IsNaN(ev.DenoisedMaskedPSNR))
	grid, err := ev.Examples.Grid(img.GridOptions{Pad: 2, Scale: 3}) // clean / corrupted / reconstructed
	if err != nil {
		panic(err)
	}
	fmt.Println("grid:", grid.Bounds().Dx(), "x", grid.Bounds().Dy())
	// Output:
	// dae/mnist-block-10-b16 steps: 2
	// digits: 20 examples: 8
	// finite PSNRs: true
	// grid: 690 x 260
}

// The training digits nearest to a test "9" whose middle is hidden by a
// 16x16 block, compared on the visible pixels only: the posterior holds
// 4s as well as 9s, and their mean (nb.Mean) is a blur of both.
func ExampleNearestVisible() {
	train, err := data.MNIST(data.Train)
	if err != nil {
		panic(err)
	}
	test, err := data.MNIST(data.Test)
	if err != nil {
		panic(err)
	}
	x, _ := test.Image(7) // a 9
	mask := make([]bool, 28*28)
	for y := 4; y < 20; y++ {
		for c := 6; c < 22; c++ {
			mask[y*28+c] = true // rows 4..19, columns 6..21 hidden
		}
	}
	nb, err := dae.NearestVisible(train, x, mask, 8)
	if err != nil {
		panic(err)
	}
	labels := make([]int, len(nb.Index))
	for j, i := range nb.Index {
		labels[j] = train.Labels[i]
	}
	fmt.Println("test label:", test.Labels[7], "neighbour labels:", labels)
	// Output:
	// test label: 9 neighbour labels: [4 4 4 9 4 4 9 4]
}
