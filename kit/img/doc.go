// Package img holds the image utilities of the lecture: PSNR under a stated
// protocol, float32 tensors to and from Go images, image grids that a
// reader can compare at a glance, and the 2-D DFT ([FFT2], [IFFT2],
// [RealFFT2]) that the MRI experiment and the whitening of natural photos
// share.
//
// # Conventions
//
// Images are float32 slices in row-major NHWC order with values in [0, 1]:
// one image is x: [H, W, C] (C = 1 for gray, 3 for RGB) and a batch is
// x: [N, H, W, C], described by a [Shape]. The peak value for PSNR is 1.
//
// # PSNR protocol
//
//	PSNR = 10 log10(1 / MSE) = -10 log10(MSE)   (peak 1)
//
// The default [Protocol] (its zero value) clips the prediction to [0, 1]
// before the error is taken, uses every pixel and every channel, and returns
// +Inf for identical images (MSE = 0). Fields of [Protocol] switch off the
// clipping, crop a border (super-resolution protocol: `Border: scale`) and
// measure on the BT.601 luminance Y of RGB images (as EDSR and the MATLAB
// benchmark code do). Over a batch, [MeanPSNR] averages the per-image PSNRs
// (the usual protocol of denoising papers) and [GlobalPSNR] converts the MSE
// pooled over all pixels of the batch; the two differ (Jensen: mean PSNR >=
// global PSNR).
//
// # From a notebook cell
//
//	pred, ref := ...                       // [N, 28, 28, 1] float32 in [0,1]
//	s := img.Shape{N: n, H: 28, W: 28, C: 1}
//	psnr, err := img.MeanPSNR(pred, ref, s) // dB, mean over images
//
//	// Reconstructions under their noisy inputs, 3x bigger so digits are visible:
//	grid, err := img.Grid(slices.Concat(noisy[:8*784], pred[:8*784]),
//		img.Shape{N: 16, H: 28, W: 28, C: 1}, 2, 8, img.GridOptions{Pad: 2, Scale: 3})
//	gonbui.DisplayImage(grid)
//	err = img.WritePNG("recon.png", grid)
package img
