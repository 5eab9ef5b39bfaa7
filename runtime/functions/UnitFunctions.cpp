//===- UnitFunctions.cpp - convert_angle, convert_length, ... ------------===//
//
// Kusto's unit conversions: convert_<quantity>(value, from, to). Kusto takes
// its units from the UnitsNet library; the names are the ones the Kusto
// pages list (case-sensitive), the factors UnitsNet's unit definitions
// (Common/UnitDefinitions/*.json; prefixed units are the prefix times the
// unit). A value converts through the quantity's base unit, as UnitsNet
// does: base = value * mul / div + offset, value = (base - offset) * div /
// mul (the offset is non-zero only for temperatures). An unknown unit, or a
// value that is not a number, gives null.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <cmath>
#include <numbers>

namespace rulec::functions {

namespace {

struct Unit {
  std::string_view name;
  double mul, div = 1, offset = 0; ///< mul == 0: Tilt, sin of the angle
};

constexpr double kPi = std::numbers::pi;

// Angle; base Degree.
constexpr Unit kAngle[] = {
    {"Degree", 1},           {"Nanodegree", 1e-9},       {"Microdegree", 1e-6},     {"Millidegree", 1e-3},
    {"Radian", 180, kPi},    {"Nanoradian", 180e-9, kPi}, {"Microradian", 180e-6, kPi}, {"Milliradian", 180e-3, kPi},
    {"Centiradian", 180e-2, kPi}, {"Deciradian", 180e-1, kPi}, {"Arcminute", 1, 60}, {"Arcsecond", 1, 3600},
    {"Gradian", 0.9},        {"NatoMil", 9, 160},        {"Revolution", 360},       {"Tilt", 0},
};

// Energy; base Joule.
constexpr double kBtu = 1055.05585262, kEv = 1.602176565e-19, kCal = 4.184;
constexpr Unit kEnergy[] = {
    {"Joule", 1}, {"Millijoule", 1e-3}, {"Kilojoule", 1e3}, {"Megajoule", 1e6}, {"Gigajoule", 1e9},
    {"Calorie", kCal}, {"Kilocalorie", kCal * 1e3}, {"Megacalorie", kCal * 1e6},
    {"BritishThermalUnit", kBtu}, {"KilobritishThermalUnit", kBtu * 1e3}, {"MegabritishThermalUnit", kBtu * 1e6},
    {"GigabritishThermalUnit", kBtu * 1e9},
    {"ElectronVolt", kEv}, {"KiloelectronVolt", kEv * 1e3}, {"MegaelectronVolt", kEv * 1e6},
    {"GigaelectronVolt", kEv * 1e9}, {"TeraelectronVolt", kEv * 1e12},
    {"FootPound", 1.355817948}, {"Erg", 1e-7},
    {"WattHour", 3600}, {"KilowattHour", 3600e3}, {"MegawattHour", 3600e6}, {"GigawattHour", 3600e9},
    {"TerawattHour", 3600e12},
    {"WattDay", 86400}, {"KilowattDay", 86400e3}, {"MegawattDay", 86400e6}, {"GigawattDay", 86400e9},
    {"TerawattDay", 86400e12},
    {"ThermEc", 1.05505585262e8}, {"DecathermEc", 1.05505585262e9}, {"ThermUs", 1.054804e8},
    {"DecathermUs", 1.054804e9}, {"ThermImperial", 1.05505585257348e8}, {"DecathermImperial", 1.05505585257348e9},
    {"HorsepowerHour", 2.6845195377e6},
};

// Force; base Newton.
constexpr double kKgf = 9.80665002864, kLbf = 4.4482216152605095551842641431421;
constexpr Unit kForce[] = {
    {"Newton", 1}, {"Micronewton", 1e-6}, {"Millinewton", 1e-3}, {"Decanewton", 1e1}, {"Kilonewton", 1e3},
    {"Meganewton", 1e6}, {"Dyn", 1, 1e5}, {"KilogramForce", kKgf}, {"KiloPond", kKgf}, {"TonneForce", kKgf * 1e3},
    {"Poundal", 0.13825502798973041652092282466083}, {"PoundForce", kLbf}, {"KilopoundForce", kLbf * 1e3},
    {"OunceForce", 2.780138509537812e-1}, {"ShortTonForce", 8.896443230521e3},
};

// Length; base Meter.
constexpr double kParsec = 3.08567758128e16, kLightYear = 9.46073047258e15;
constexpr Unit kLength[] = {
    {"Meter", 1}, {"Nanometer", 1e-9}, {"Micrometer", 1e-6}, {"Millimeter", 1e-3}, {"Centimeter", 1e-2},
    {"Decimeter", 1e-1}, {"Decameter", 1e1}, {"Hectometer", 1e2}, {"Kilometer", 1e3},
    {"Mile", 1609.344}, {"Yard", 0.9144}, {"Foot", 0.3048}, {"UsSurveyFoot", 1200, 3937}, {"Inch", 2.54e-2},
    {"Mil", 2.54e-5}, {"Microinch", 2.54e-8}, {"NauticalMile", 1852}, {"Fathom", 1.8288}, {"Shackle", 27.432},
    {"PrinterPoint", 2.54e-2, 72.27}, {"DtpPoint", 2.54e-2, 72}, {"PrinterPica", 1, 237.106301584},
    {"DtpPica", 1, 236.220472441}, {"Twip", 1, 56692.913385826}, {"Hand", 1.016e-1}, {"Chain", 20.1168},
    {"Angstrom", 1e-10}, {"DataMile", 1828.8}, {"AstronomicalUnit", 1.4959787070e11}, {"SolarRadius", 6.95510000e8},
    {"Parsec", kParsec}, {"Kiloparsec", kParsec * 1e3}, {"Megaparsec", kParsec * 1e6},
    {"LightYear", kLightYear}, {"KilolightYear", kLightYear * 1e3}, {"MegalightYear", kLightYear * 1e6},
};

// Mass; base Kilogram.
constexpr double kPound = 0.45359237;
constexpr Unit kMass[] = {
    {"Kilogram", 1}, {"Gram", 1, 1e3}, {"Nanogram", 1e-9, 1e3}, {"Microgram", 1e-6, 1e3}, {"Milligram", 1e-3, 1e3},
    {"Centigram", 1e-2, 1e3}, {"Decigram", 1e-1, 1e3}, {"Decagram", 1e1, 1e3}, {"Hectogram", 1e2, 1e3},
    {"Tonne", 1e3}, {"Kilotonne", 1e6}, {"Megatonne", 1e9}, {"ShortTon", 9.0718474e2}, {"LongTon", 1.0160469088e3},
    {"Pound", kPound}, {"Kilopound", kPound * 1e3}, {"Megapound", kPound * 1e6}, {"Ounce", 0.028349523125},
    {"Slug", 1, 6.852176556196105e-2}, {"Stone", 1, 0.1574731728702698},
    {"ShortHundredweight", 1, 0.022046226218487758}, {"LongHundredweight", 1, 0.01968413055222121},
    {"Grain", 1, 15432.358352941431}, {"SolarMass", 1.98947e30}, {"EarthMass", 5.9722e24},
};

// Speed; base MeterPerSecond.
constexpr Unit kSpeed[] = {
    {"MeterPerSecond", 1}, {"NanometerPerSecond", 1e-9}, {"MicrometerPerSecond", 1e-6},
    {"MillimeterPerSecond", 1e-3}, {"CentimeterPerSecond", 1e-2}, {"DecimeterPerSecond", 1e-1},
    {"KilometerPerSecond", 1e3},
    {"MeterPerMinute", 1, 60}, {"NanometerPerMinute", 1e-9, 60}, {"MicrometerPerMinute", 1e-6, 60},
    {"MillimeterPerMinute", 1e-3, 60}, {"CentimeterPerMinute", 1e-2, 60}, {"DecimeterPerMinute", 1e-1, 60},
    {"KilometerPerMinute", 1e3, 60},
    {"MeterPerHour", 1, 3600}, {"MillimeterPerHour", 1e-3, 3600}, {"CentimeterPerHour", 1e-2, 3600},
    {"KilometerPerHour", 1e3, 3600},
    {"FootPerSecond", 0.3048}, {"FootPerMinute", 0.3048, 60}, {"FootPerHour", 0.3048, 3600},
    {"UsSurveyFootPerSecond", 1200, 3937}, {"UsSurveyFootPerMinute", 1200, 3937.0 * 60},
    {"UsSurveyFootPerHour", 1200, 3937.0 * 3600},
    {"InchPerSecond", 2.54e-2}, {"InchPerMinute", 2.54e-2, 60}, {"InchPerHour", 2.54e-2, 3600},
    {"YardPerSecond", 0.9144}, {"YardPerMinute", 0.9144, 60}, {"YardPerHour", 0.9144, 3600},
    {"Knot", 0.514444}, {"MilePerHour", 0.44704},
};

// Temperature; base Kelvin.
constexpr Unit kTemperature[] = {
    {"Kelvin", 1}, {"DegreeCelsius", 1, 1, 273.15}, {"MillidegreeCelsius", 1, 1000, 273.15},
    {"DegreeDelisle", -2, 3, 373.15}, {"DegreeFahrenheit", 5, 9, 459.67 * 5 / 9}, {"DegreeNewton", 100, 33, 273.15},
    {"DegreeRankine", 5, 9}, {"DegreeReaumur", 5, 4, 273.15}, {"DegreeRoemer", 40, 21, 273.15 - 7.5 * 40 / 21},
    {"SolarTemperature", 5778},
};

// Volume; base CubicMeter.
constexpr double kUsGallon = 0.003785411784, kImperialGallon = 0.00454609, kCubicFoot = 2.8316846592e-2;
constexpr Unit kVolume[] = {
    {"CubicMeter", 1}, {"CubicKilometer", 1e9}, {"CubicHectometer", 1e6}, {"CubicDecimeter", 1, 1e3},
    {"CubicCentimeter", 1, 1e6}, {"CubicMillimeter", 1, 1e9}, {"CubicMicrometer", 1, 1e18},
    {"HectocubicMeter", 1e2}, {"KilocubicMeter", 1e3},
    {"Liter", 1, 1e3}, {"Microliter", 1e-6, 1e3}, {"Milliliter", 1e-3, 1e3}, {"Centiliter", 1e-2, 1e3},
    {"Deciliter", 1e-1, 1e3}, {"Decaliter", 1e1, 1e3}, {"Hectoliter", 1e2, 1e3}, {"Kiloliter", 1e3, 1e3},
    {"Megaliter", 1e6, 1e3},
    {"CubicMile", 4.16818182544058e9}, {"CubicYard", 0.764554858}, {"CubicFoot", kCubicFoot},
    {"HectocubicFoot", kCubicFoot * 1e2}, {"KilocubicFoot", kCubicFoot * 1e3}, {"MegacubicFoot", kCubicFoot * 1e6},
    {"CubicInch", 1.6387064e-5}, {"BoardFoot", 2.3597372158e-3}, {"AcreFoot", 1, 0.000810714},
    {"UsGallon", kUsGallon}, {"DeciusGallon", kUsGallon * 1e-1}, {"DecausGallon", kUsGallon * 1e1},
    {"HectousGallon", kUsGallon * 1e2}, {"KilousGallon", kUsGallon * 1e3}, {"MegausGallon", kUsGallon * 1e6},
    {"ImperialGallon", kImperialGallon}, {"KiloimperialGallon", kImperialGallon * 1e3},
    {"MegaimperialGallon", kImperialGallon * 1e6},
    {"ImperialOunce", 2.8413062499962901241875439064617e-5}, {"ImperialPint", 5.6826125e-4},
    {"ImperialBeerBarrel", 0.16365924}, {"UsOunce", 2.957352956253760505068307980135e-5},
    {"UsPint", 4.73176473e-4}, {"UsQuart", 9.46352946e-4}, {"UsBeerBarrel", 0.1173477658},
    {"OilBarrel", 0.158987294928}, {"UsTablespoon", 1.478676478125e-5}, {"AuTablespoon", 2e-5},
    {"UkTablespoon", 1.5e-5}, {"UsTeaspoon", 4.92892159375e-6}, {"MetricTeaspoon", 0.5e-5},
    {"MetricCup", 0.00025}, {"UsCustomaryCup", 0.0002365882365}, {"UsLegalCup", 0.00024},
};

const Unit *findUnit(std::span<const Unit> table, const rulec_value &v) {
  if (v.kind != RULEC_STRING)
    return nullptr;
  const std::string_view name(v.payload.s, v.len);
  for (const Unit &u : table)
    if (u.name == name)
      return &u;
  return nullptr;
}

template <const auto &table>
void convert(rulec_context *, uint32_t, const rulec_value *const *args, rulec_value *out) {
  double x;
  if (args[0]->kind == RULEC_INT)
    x = static_cast<double>(args[0]->payload.i);
  else if (args[0]->kind == RULEC_DOUBLE)
    x = args[0]->payload.d;
  else if (!kqlvalue::nonFiniteReal(*args[0], x))
    return;
  const Unit *from = findUnit(table, *args[1]), *to = findUnit(table, *args[2]);
  if (!from || !to)
    return;
  // Tilt (angles only) is the sine of the angle: UnitsNet's asin/sin.
  const double base = from->mul == 0 ? std::asin(x) * 180 / kPi : x * from->mul / from->div + from->offset;
  *out = doubleValue(to->mul == 0 ? std::sin(base / 180 * kPi) : (base - to->offset) * to->div / to->mul);
}

constexpr Function kTable[] = {
    {"convert_angle", 3, 3, convert<kAngle>},   {"convert_energy", 3, 3, convert<kEnergy>},
    {"convert_force", 3, 3, convert<kForce>},   {"convert_length", 3, 3, convert<kLength>},
    {"convert_mass", 3, 3, convert<kMass>},     {"convert_speed", 3, 3, convert<kSpeed>},
    {"convert_temperature", 3, 3, convert<kTemperature>}, {"convert_volume", 3, 3, convert<kVolume>},
};

} // namespace

extern const Family kUnitFunctions{kTable};

} // namespace rulec::functions
