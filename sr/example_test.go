package sr_test

import (
	"fmt"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/sr"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Bilinear upscaling with PyTorch's align_corners=False convention.
func ExampleUpscale() {
	im := &data.Image{H: 2, W: 2, C: 1, Pix: []float32{1, 2, 3, 4}}
	for _, m := range []sr.Method{sr.Nearest, sr.Bilinear, sr.Bicubic} {
		up, err := sr.Upscale(im, 2, m)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-8s first row %.4g\n", m, up.Pix[:4])
	}
	// Output:
	// nearest  first row [1 1 2 2]
	// bilinear first row [1 1.25 1.75 2]
	// bicubic  first row [0.6836 1.016 1.562 1.895]
}

// MATLAB's antialiased bicubic downsampling: the weights of one output
// sample at factor 2, and a unit impulse downsampled.
func ExampleDownsampleBicubic() {
	_, w, _ := sr.MATLABDownTaps(16, 2)
	fmt.Printf("weights: %.8g\n", w[40:50])
	im := &data.Image{H: 1, W: 8, C: 1, Pix: []float32{0, 0, 0, 0, 1, 0, 0, 0}}
	lr, err := sr.DownsampleBicubic(im, 2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("impulse: %.8g\n", lr.Pix)
	// Output:
	// weights: [0 -0.01171875 -0.03515625 0.11328125 0.43359375 0.43359375 0.11328125 -0.03515625 -0.01171875 0]
	// impulse: [-0.01171875 0.11328125 0.43359375 -0.03515625]
}

// PixelShuffle moves channel c·r² + i·r + j to sub-pixel (i, j).
func ExamplePixelShuffle() {
	x := tensors.FromFlatDataAndDimensions([]float32{0, 1, 2, 3, 4, 5, 6, 7}, 1, 1, 1, 8) // [B=1, H=1, W=1, C·r²=8]
	y, err := ExecOnce(backend.Shared(), func(x *Node) *Node { return sr.PixelShuffle(x, 2) }, x)
	if err != nil {
		panic(err)
	}
	fmt.Println(y.Shape().Dimensions, tensors.MustCopyFlatData[float32](y))
	// Output:
	// [1 2 2 2] [0 4 1 5 2 6 3 7]
}

// The lecture's print(model) of the MNISTUpscaler, with parameter counts.
func ExampleUpscalerTable() {
	fmt.Print(sr.UpscalerTable())
	// Output:
	// MNISTUpscaler(
	//   (encoder): Sequential(
	//     (0): Conv2d(1, 32, kernel_size=(5, 5), stride=(1, 1))              #   832 params -> 32x10x10
	//     (1): ReLU()                                                        #              -> 32x10x10
	//     (2): Conv2d(32, 32, kernel_size=(5, 5), stride=(1, 1))             # 25632 params -> 32x6x6
	//     (3): ReLU()                                                        #              -> 32x6x6
	//     (4): Conv2d(32, 32, kernel_size=(4, 4), stride=(1, 1))             # 16416 params -> 32x3x3
	//     (5): ReLU()                                                        #              -> 32x3x3
	//     (6): Conv2d(32, 32, kernel_size=(3, 3), stride=(1, 1))             #  9248 params -> 32x1x1
	//   )
	//   (decoder): Sequential(
	//     (0): ConvTranspose2d(32, 32, kernel_size=(4, 4), stride=(1, 1))    # 16416 params -> 32x4x4
	//     (1): ReLU()                                                        #              -> 32x4x4
	//     (2): ConvTranspose2d(32, 32, kernel_size=(3, 3), stride=(2, 2))    #  9248 params -> 32x9x9
	//     (3): ReLU()                                                        #              -> 32x9x9
	//     (4): ConvTranspose2d(32, 32, kernel_size=(4, 4), stride=(2, 2))    # 16416 params -> 32x20x20
	//     (5): ReLU()                                                        #              -> 32x20x20
	//     (6): ConvTranspose2d(32, 32, kernel_size=(5, 5), stride=(1, 1))    # 25632 params -> 32x24x24
	//     (7): ReLU()                                                        #              -> 32x24x24
	//     (8): ConvTranspose2d(32, 1, kernel_size=(5, 5), stride=(1, 1))     #   801 params -> 1x28x28
	//   )
	// )
	// Total parameters: 120641
}

// Parameter counts of EDSR and MDSR from their built graphs, beside the
// lecture's table and the authors' released models.
func ExampleParamTable() {
	rows, err := sr.ParamTable()
	if err != nil {
		panic(err)
	}
	fmt.Print(sr.FormatParamTable(rows))
	// Output:
	// | model | config | ours (built graph) | lecture | authors' release | ours vs release |
	// |---|---|---:|---:|---:|---:|
	// | EDSR x2 | B=32 F=256 res_scale=0.1 | 40729603 (40.730M) |  | 40.7M | +0.07% |
	// | EDSR x3 | B=32 F=256 res_scale=0.1 | 43680003 (43.680M) |  | 43.7M | -0.05% |
	// | EDSR x4 | B=32 F=256 res_scale=0.1 | 43089923 (43.090M) | 43M | 43.1M | -0.02% |
	// | EDSR baseline x2 | B=16 F=64 res_scale=1 | 1369859 (1.370M) |  | 1.37M | -0.01% |
	// | EDSR baseline x3 | B=16 F=64 res_scale=1 | 1554499 (1.554M) |  |  |  |
	// | EDSR baseline x4 | B=16 F=64 res_scale=1 | 1517571 (1.518M) |  | 1.52M | -0.16% |
	// | MDSR x2+x3+x4 | B=80 F=64 | 7953987 (7.954M) | 8M | 8.0M | -0.58% |
}

// Train the lecture's upscaler (budget from $DENOISING_BUDGET, cached) and
// compare it with the interpolations on the MNIST test set. Not run by
// `go test`: it needs MNIST and minutes (QUICK) to an hour (FULL).
func ExampleTrainUpscaler() {
	cfg := sr.DefaultUpscalerConfig()
	cfg.Cache = true
	res, err := sr.TrainUpscaler(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Train)
	ev, err := sr.EvaluateUpscaler(res, 1000)
	if err != nil {
		panic(err)
	}
	fmt.Print(ev)
}

// Train a small EDSR on photo patches and compare it with bicubic on the
// held-out photos (PSNR on Y, border = scale). Not run by `go test`.
func ExampleTrainEDSR() {
	cfg := sr.DefaultEDSRTrainConfig()
	cfg.Cache = true
	res, err := sr.TrainEDSR(cfg)
	if err != nil {
		panic(err)
	}
	ev, err := sr.EvaluateEDSR(res, cfg.Net.Scale, cfg.PhotoFactor, 96)
	if err != nil {
		panic(err)
	}
	fmt.Print(ev)
}
