//! The unit converter: a table of units, each a factor and an offset from
//! its dimension's base unit (metre, kilogram, kelvin), and a calculator.

use crate::server::{CalculateOperation, Conversion, Quantity, Unit};
use crate::{Error, Handler, Settings};

/// A unit of a dimension: `base = value * factor + offset`.
struct UnitInfo {
    symbol: &'static str,
    dimension: &'static str,
    factor: f64,
    offset: f64,
}

const fn unit(symbol: &'static str, dimension: &'static str, factor: f64, offset: f64) -> UnitInfo {
    UnitInfo {
        symbol,
        dimension,
        factor,
        offset,
    }
}

const LENGTH: &str = "length";
const MASS: &str = "mass";
const TEMPERATURE: &str = "temperature";

/// The same table as `units-table.md`, which the server serves as `units://table`.
const UNITS: &[UnitInfo] = &[
    unit("mm", LENGTH, 0.001, 0.0),
    unit("cm", LENGTH, 0.01, 0.0),
    unit("m", LENGTH, 1.0, 0.0),
    unit("km", LENGTH, 1000.0, 0.0),
    unit("in", LENGTH, 0.0254, 0.0),
    unit("ft", LENGTH, 0.3048, 0.0),
    unit("yd", LENGTH, 0.9144, 0.0),
    unit("mi", LENGTH, 1609.344, 0.0),
    unit("mg", MASS, 1e-6, 0.0),
    unit("g", MASS, 0.001, 0.0),
    unit("kg", MASS, 1.0, 0.0),
    unit("oz", MASS, 0.028_349_523_125, 0.0),
    unit("lb", MASS, 0.453_592_37, 0.0),
    unit("C", TEMPERATURE, 1.0, 273.15),
    unit("F", TEMPERATURE, 5.0 / 9.0, 459.67 * 5.0 / 9.0),
    unit("K", TEMPERATURE, 1.0, 0.0),
];

fn lookup(symbol: &str) -> &'static UnitInfo {
    UNITS
        .iter()
        .find(|unit| unit.symbol == symbol)
        .expect("the spec's units are all in the table")
}

/// A quantity in its dimension's base unit.
fn to_base(quantity: &Quantity) -> Result<(f64, &'static str), Error> {
    let unit = lookup(quantity.unit.as_str());
    let base = quantity.value * unit.factor + unit.offset;
    if unit.dimension == TEMPERATURE && base < 0.0 {
        return Err(Error::invalid(format!(
            "{} {} is below absolute zero",
            quantity.value, unit.symbol
        )));
    }
    Ok((base, unit.dimension))
}

fn from_base(base: f64, dimension: &str, to: &'static UnitInfo) -> Result<f64, Error> {
    if dimension != to.dimension {
        return Err(Error::invalid(format!(
            "cannot convert a {dimension} to {}, a unit of {}",
            to.symbol, to.dimension
        )));
    }
    Ok((base - to.offset) / to.factor)
}

fn round(value: f64, decimals: i64) -> f64 {
    let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(12));
    (value * scale).round() / scale
}

pub struct App;

impl Handler for App {
    fn new(_settings: &Settings) -> Result<Self, Error> {
        Ok(Self)
    }

    async fn convert(
        &self,
        quantity: Quantity,
        to: Unit,
        precision: i64,
    ) -> Result<Conversion, Error> {
        let (base, dimension) = to_base(&quantity)?;
        let value = from_base(base, dimension, lookup(to.as_str()))?;
        Ok(Conversion {
            from: quantity,
            value: round(value, precision),
            unit: to.as_str().to_owned(),
        })
    }

    async fn add_quantities(
        &self,
        quantities: Vec<Quantity>,
        unit: Option<Unit>,
    ) -> Result<String, Error> {
        let to = lookup(unit.map_or(quantities[0].unit.as_str(), Unit::as_str));
        if to.dimension == TEMPERATURE {
            return Err(Error::invalid("temperatures cannot be added"));
        }
        let mut total = 0.0;
        for quantity in &quantities {
            let (base, dimension) = to_base(quantity)?;
            total += from_base(base, dimension, to)?;
        }
        Ok(format!("{} {}", round(total, 6), to.symbol))
    }

    async fn calculate(
        &self,
        operation: CalculateOperation,
        values: Vec<f64>,
        decimals: Option<i64>,
    ) -> Result<String, Error> {
        let result = match operation {
            CalculateOperation::Sum => values.iter().sum(),
            CalculateOperation::Product => values.iter().product(),
            CalculateOperation::Mean => values.iter().sum::<f64>() / values.len() as f64,
            CalculateOperation::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
            CalculateOperation::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        };
        if !result.is_finite() {
            return Err(Error::invalid(format!(
                "the {} is too large to represent",
                operation.as_str()
            )));
        }
        Ok(decimals.map_or(result, |d| round(result, d)).to_string())
    }
}
