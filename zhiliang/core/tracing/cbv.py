"""Core Business Vocabulary 2.0 terms as EPCIS 2.0 JSON writes them (bare words), with their
GS1 Web URIs (CBV 2.0 section 6 and 7; the same words the EPCIS JSON Schema enumerates)."""

from collections.abc import Mapping
from typing import Final

BIZ_STEPS: Final = frozenset(
    {"accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
     "creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying",
     "disassembling", "dispensing", "encoding", "entering_exiting", "holding", "inspecting",
     "installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing",
     "repackaging", "repairing", "replacing", "reserving", "retail_selling", "shipping",
     "staging_outbound", "stock_taking", "stocking", "storing", "transporting", "unloading",
     "unpacking", "void_shipping", "sensor_reporting", "sampling"}
)  # fmt: skip

DISPOSITIONS: Final = frozenset(
    {"active", "container_closed", "damaged", "destroyed", "dispensed", "disposed", "encoded",
     "expired", "in_progress", "in_transit", "inactive", "no_pedigree_match",
     "non_sellable_other", "partially_dispensed", "recalled", "reserved", "retail_sold",
     "returned", "sellable_accessible", "sellable_not_accessible", "stolen", "unknown",
     "available", "completeness_verified", "completeness_inferred", "conformant",
     "container_open", "mismatch_instance", "mismatch_class", "mismatch_quantity",
     "needs_replacement", "non_conformant", "unavailable"}
)  # fmt: skip

BIZ_TRANSACTION_TYPES: Final = frozenset(
    {"bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma",
     "testprd", "testres", "upevt"}
)  # fmt: skip

SOURCE_DEST_TYPES: Final = frozenset({"owning_party", "possessing_party", "location"})
ERROR_REASONS: Final = frozenset({"did_not_occur", "incorrect_data"})

MEASUREMENT_TYPES: Final = frozenset(
    {"AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Radioactivity",
     "Altitude", "AmountOfSubstance", "AmountOfSubstancePerUnitVolume", "Angle",
     "AngularAcceleration", "AngularMomentum", "AngularVelocity", "Area", "Capacitance",
     "Conductance", "Conductivity", "Count", "Density", "Dimensionless", "DoseEquivalent",
     "DoseEquivalentRate", "DynamicViscosity", "ElectricCharge", "ElectricCurrent",
     "ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure", "Force",
     "Frequency", "Illuminance", "Inductance", "Irradiance", "KinematicViscosity", "Length",
     "LinearMomentum", "Luminance", "LuminousFlux", "LuminousIntensity", "MagneticFlux",
     "MagneticFluxDensity", "MagneticVectorPotential", "Mass", "MassConcentration",
     "MassFlowRate", "MassPerAreaTime", "MemoryCapacity", "MolalityOfSolute", "MolarEnergy",
     "MolarMass", "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity",
     "RelativeHumidity", "Resistance", "Resistivity", "SolidAngle", "SpecificVolume", "Speed",
     "SurfaceDensity", "SurfaceTension", "Temperature", "Time", "Torque", "Voltage", "Volume",
     "VolumeFlowRate", "VolumeFraction", "VolumetricFlux", "Wavenumber"}
)  # fmt: skip
ALERT_TYPES: Final = frozenset({"ALARM_CONDITION", "ERROR_CONDITION"})
COMPONENTS: Final = frozenset(
    {"x", "y", "z", "axial_distance", "azimuth", "height", "spherical_radius", "polar_angle",
     "elevation_angle", "easting", "northing", "latitude", "longitude", "altitude"}
)  # fmt: skip

CBV: Final = "https://ref.gs1.org/cbv/"
GS1_VOC: Final = "https://gs1.org/voc/"

WEB_URI_PREFIX: Final[Mapping[str, str]] = {
    "bizStep": CBV + "BizStep-",
    "disposition": CBV + "Disp-",
    "bizTransactionType": CBV + "BTT-",
    "sourceDestType": CBV + "SDT-",
    "errorReason": CBV + "ER-",
    "measurementType": GS1_VOC,
    "alertType": GS1_VOC,
    "component": CBV + "Comp-",
}
"""How each kind of bare word expands to its GS1 Web URI (CBV 2.0 section 8.9 rule 16)."""

URN_TO_WEB: Final = (
    ("urn:epcglobal:cbv:bizstep:", CBV + "BizStep-"),
    ("urn:epcglobal:cbv:disp:", CBV + "Disp-"),
    ("urn:epcglobal:cbv:btt:", CBV + "BTT-"),
    ("urn:epcglobal:cbv:sdt:", CBV + "SDT-"),
    ("urn:epcglobal:cbv:er:", CBV + "ER-"),
)
"""EPCIS 1.x URN vocabulary and its CBV 2.0 Web URI equivalent (rule 14)."""

WORDS: Final[Mapping[str, frozenset[str]]] = {
    "bizStep": BIZ_STEPS,
    "disposition": DISPOSITIONS,
    "bizTransactionType": BIZ_TRANSACTION_TYPES,
    "sourceDestType": SOURCE_DEST_TYPES,
    "errorReason": ERROR_REASONS,
    "measurementType": MEASUREMENT_TYPES,
    "alertType": ALERT_TYPES,
    "component": COMPONENTS,
}


def bare_word(kind: str, value: str) -> str:
    """The bare CBV word a value stands for, whichever of the three spellings was used
    (``shipping``, ``urn:epcglobal:cbv:bizstep:shipping``,
    ``https://ref.gs1.org/cbv/BizStep-shipping``); other values are returned unchanged."""
    prefix = WEB_URI_PREFIX[kind]
    if value.startswith(prefix) and value[len(prefix) :] in WORDS[kind]:
        return value[len(prefix) :]
    for urn, web in URN_TO_WEB:
        if web == prefix and value.startswith(urn) and value[len(urn) :] in WORDS[kind]:
            return value[len(urn) :]
    return value


def web_uri(kind: str, value: str) -> str:
    """The GS1 Web URI of a bare CBV word; other values are returned unchanged."""
    word = bare_word(kind, value)
    return WEB_URI_PREFIX[kind] + word if word in WORDS[kind] else value
