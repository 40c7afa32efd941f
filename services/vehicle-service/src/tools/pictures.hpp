#pragma once
// Pictures of the demo catalogue: a flat illustration of the vehicle's category (motorcycle,
// electric motorcycle, tuk-tuk, e-bike, car, van or pickup) in the vehicle's colour, drawn in
// code and encoded as PNG by libpng. Deterministic: the same category, model, colour and VIN
// give the same bytes. No I/O.
#include <string>
#include <vector>

#include "domain/vehicle.hpp"

namespace vehicle_service::tools {

// 4:3, the shape of the marketplace's cards and gallery.
inline constexpr int kDemoPictureWidth = 640;
inline constexpr int kDemoPictureHeight = 480;

// The pictures of a demo vehicle, cover first: its side on a plain background, the vehicle on
// a road facing the other way, and a close-up of its front. Each is a PNG of a few KB to a few
// tens of KB. Throws std::runtime_error when encoding fails.
std::vector<std::string> demo_pictures(const Vehicle& v);

}  // namespace vehicle_service::tools
