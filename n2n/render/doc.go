// Package render is a small, honest path tracer that makes the training data
// of the Monte Carlo rendering experiment of Noise2Noise (Lehtinen et al.
// 2018; lecture 7.3): pairs (x^, y^) of independent noisy renders of the same
// view, both unbiased estimates of the clean image y = E[x^] = E[y^].
//
// # Scene
//
// [CornellBox] is the Cornell box of POV-Ray's radiosity/cornell.pov (Debian
// package povray-examples): Lambertian walls, red left and green right, two
// white blocks, a rectangular area light under the ceiling. [Variation]
// perturbs the camera, the light and the objects (blocks may become spheres)
// so that a training set has many views.
//
// # Renderer
//
// [Render] solves the rendering equation for diffuse surfaces,
//
//	L(x, w_o) = Le(x, w_o) + integral over the hemisphere of rho(x)/pi L(x', -w_i) cos(theta_i) dw_i,
//
// by unidirectional path tracing with next-event estimation (explicit
// sampling of the area lights), cosine-weighted hemisphere sampling and
// Russian roulette after a few bounces. The result is an HDR float32 image
// [H, W, 3] of linear radiance, the mean of SPP independent samples per
// pixel. Each pixel draws from its own PCG stream seeded from (Seed, pixel
// index), so an image depends on its seed only, never on the number of
// goroutines, and renders with different seeds are independent: two renders
// of a view with seeds s1 != s2 are a Noise2Noise pair.
//
// # Tone mapping and losses
//
// [ToneMap] is Reinhard's x/(1+x) followed by gamma 2.2, mapping radiance to
// [0, 1] for display and for the network's input. [LHDR] is the paper's
// relative loss (f(x^) - y^)^2 / (f(x^) + 0.01)^2 on linear values and
// [RelMSE] the relative MSE used to evaluate denoisers.
//
// # From a notebook cell
//
//	scene := render.Variation(7)
//	opt := render.Options{Width: 64, Height: 64, SPP: 8, Seed: 1}
//	x, _ := render.Render(scene, opt)       // noisy input x^
//	opt.Seed = 2
//	y, _ := render.Render(scene, opt)       // independent noisy target y^
//	gonbui.DisplayImage(x.RGBA())
//	loss, _ := render.LHDR(x.Pix, y.Pix)
//
// # Checks (render_test.go)
//
// White furnace: in a closed enclosure where every surface has albedo rho
// and emits Le, the radiance is Le/(1-rho) everywhere; renders match it to
// within their Monte Carlo error, with Russian roulette on. The mean of K
// independent renders approaches a high-sample render as 1/sqrt(K). Renders
// are bit-identical for 1 or many goroutines.
package render
