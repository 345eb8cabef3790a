// Package sr is super-resolution seen as denoising (lecture 7.3, F.
// Fleuret): the "noise" is the loss of resolution. A clean image X is
// degraded by a known operator, here Y = avgpool2(X) (or MATLAB's bicubic
// downsampling for natural photos), and a network φ is trained on pairs
// (Y, X) to minimise the quadratic risk
//
//	E ‖φ(Y) - X‖²
//
// whose minimiser is the posterior mean E[X | Y], exactly as for a
// denoiser of X̃ = X + σN. The baselines are the interpolations that use no
// prior on X at all.
//
// # What is here
//
//   - Interpolation baselines in pure Go on [H, W, C] images ([data.Image],
//     C = 1 for [H, W]) or flat batches [N, H, W, C]: [Upscale] with
//     [Nearest], [Bilinear] (PyTorch, align_corners=False: source coordinate
//     u = (dst + 0.5)/scale - 0.5, clamped), [Bicubic] (Keys a = -0.75, as
//     PyTorch and OpenCV), [BicubicMATLAB] (a = -0.5, mirrored borders);
//     [DownsampleBicubic], MATLAB's antialiased imresize that the EDSR
//     protocol uses to make LR images; [AvgPool2] (the lecture's input).
//   - Graph ops: [PixelShuffle] and [PixelUnshuffle] (PyTorch's channel
//     order, NHWC), from Reshape/Transpose only.
//   - The lecture's [MNISTUpscaler] (14x14 -> 1x1x32 -> 28x28), printed by
//     [UpscalerTable] the way print(model) shows it, trained by
//     [TrainUpscaler] with the lecture's loss ‖X̂ - X‖² summed over pixels
//     and averaged over the batch ([SumSquaresPerSample]), and compared with
//     the baselines by [EvaluateUpscaler] (mean PSNR, peak 1).
//   - [EDSR] and [MDSR] (Lim et al. 2017), as in the authors' code:
//     MeanShift, a head convolution, B residual blocks without batch
//     normalisation (with residual scaling), a global skip, sub-pixel
//     upsamplers and a tail convolution; [ParamTable] counts the variables
//     of the built graphs beside the lecture's and the authors' figures.
//   - [TrainEDSR] / [EvaluateEDSR]: a small EDSR on patches of natural
//     photos (kit/data), evaluated with the benchmark protocol (PSNR on
//     the BT.601 luminance Y, a border of scale pixels ignored) against
//     bicubic; optionally with the held-out PSNR recorded during training
//     (EDSRTrainConfig.EvalEvery) and started from a trained network of
//     another scale (EDSRTrainConfig.InitFrom, the paper's x2 -> x3, x4).
//     [HeldOutCrops] and [EDSRResult.Upscale] give the images themselves.
//   - [MeasureEDSRCost]: the forward MACs (read off the built graph, equal
//     to the closed form [EDSRMACs]), parameters and kept activations
//     ([EDSRActivations]) of an EDSR training step, hence its FLOPs and a
//     lower bound on its memory.
//
// # Parameter counts (built graphs)
//
// Counted from the variables of the model.Store after building each graph
// on a 1x8x8x3 input (nothing executed; milliseconds) and equal to the
// closed forms [EDSRParams] and [MDSRParams]:
//
//	model              config                  ours         lecture   authors' release
//	EDSR x2            B=32 F=256 res 0.1      40,729,603             40.7M
//	EDSR x3            B=32 F=256 res 0.1      43,680,003             43.7M
//	EDSR x4            B=32 F=256 res 0.1      43,089,923   43M       43.1M
//	EDSR baseline x2   B=16 F=64               1,369,859              1.37M
//	EDSR baseline x3   B=16 F=64               1,554,499              -
//	EDSR baseline x4   B=16 F=64               1,517,571              1.52M
//	MDSR x2+x3+x4      B=80 F=64               7,953,987    8M        8.0M
//
// All agree with the published sizes to within 0.6% (MDSR: 7.95M, which
// the paper rounds to 8.0M). The paper's and lecture's "43M" for EDSR
// matches the x4 model (43.09M); x3 has 43.68M and x2 40.73M. PyTorch's sum(p.numel() for p in
// model.parameters()) on the authors' code gives 24 more: the two frozen
// 1x1 MeanShift convolutions (9 weights + 3 biases each), which are
// constants here.
//
// # Conventions
//
// Images are float32 in [0, 1], channels-last: one image [H, W, C], a batch
// [N, H, W, C] (kit/img's Shape). Networks are built with kit/layer
// (PyTorch initialisation, convolutions whose gradients are verified) and
// trained with kit/train ($DENOISING_BUDGET=quick|full, checkpoint cache).
// Variable scopes follow the PyTorch state_dict keys of the lecture's and
// the authors' code ("encoder/0/weights", "body/3/body/2/weights",
// "tail/0/0/weights", ...), so their weights could be loaded.
//
// # Measured here
//
// On the forked pure-Go backend (2 shared cores, implicit-GEMM
// convolutions) an MNISTUpscaler step with 100 digits took 0.45 s on a
// lightly loaded machine and a small-EDSR step (B=8, F=32, 16 patches of
// 24x24) 0.6-0.9 s; under heavy load from other jobs, 2-3 times longer.
// 600 upscaler steps (one epoch) reached 20.33 dB on the 10000 test digits,
// 1.8 dB above bilinear (18.51) and between the two bicubic kernels (20.12
// and 20.61). With 1000 test digits, the
// interpolations give 18.1 dB (nearest), 18.5 (bilinear), 20.5 (bicubic
// a = -0.75) and 20.0 (bicubic a = -0.5). On 96x96 centre crops of the six
// held-out photos at 1/4 size, x2: nearest 32.0 dB, bicubic 35.5 (both
// kernels, Y channel, border 2). The small EDSR (B=8, F=32, Adam 1e-3 with
// cosine decay, 16 patches of 24x24 LR) on 192x192 crops: x2 after 1000
// steps 36.72 dB (best bicubic 35.90), x3 and x4 started from it after 300
// steps 33.60 (33.13) and 31.37 (31.19); 400 steps at x2, with or without
// the decay, stayed 0.05-0.2 dB below bicubic.
//
// A finding on the baselines: Keys' kernel reproduces linear ramps only
// for a = -0.5 (MATLAB); PyTorch's a = -0.75 reproduces constants but
// bends ramps (a slope-1 ramp sampled at offset 0.75 comes out 3/64 low),
// see TestConstantsAndRamps.
package sr
