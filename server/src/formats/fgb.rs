//! FlatGeobuf export and read-back, with the `flatgeobuf` crate.
//!
//! A layer is plain rows (a geometry and typed cells); [`write`] turns it into a FlatGeobuf
//! file with its packed Hilbert R-tree, so that clients can read a bbox over HTTP range
//! requests. [`read`] is the inverse, used by the tests to check our files and the reference
//! files of the FlatGeobuf project through one code path.

use std::io::Cursor;

use flatgeobuf::{ColumnType, FallibleStreamingIterator, FgbCrs, FgbReader, FgbWriter, FgbWriterOptions, GeometryType};
use geozero::{ColumnValue, FeatureProperties, PropertyProcessor, ToGeo};

/// A column's type, as FlatGeobuf stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ColumnKind {
    Text,
    Double,
    Long,
    Bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

/// One value; `Null` is written as an absent property.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Double(f64),
    Long(i64),
    Bool(bool),
    Null,
}

impl From<Option<&str>> for Cell {
    fn from(value: Option<&str>) -> Cell {
        value.map_or(Cell::Null, |v| Cell::Text(v.to_string()))
    }
}

impl From<Option<f64>> for Cell {
    fn from(value: Option<f64>) -> Cell {
        value.map_or(Cell::Null, Cell::Double)
    }
}

/// A layer: a name, its columns, and rows of geometry plus one cell per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: String,
    pub title: Option<String>,
    pub columns: Vec<Column>,
    pub features: Vec<(geo::Geometry<f64>, Vec<Cell>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum FgbError {
    #[error("FlatGeobuf: {0}")]
    Format(#[from] flatgeobuf::Error),
    #[error("FlatGeobuf geometry or property: {0}")]
    Geozero(#[from] geozero::error::GeozeroError),
    #[error("feature {feature} has {cells} cells for {columns} columns")]
    Shape { feature: usize, cells: usize, columns: usize },
}

/// Writes a layer in WGS 84 (EPSG:4326, lon/lat order as FlatGeobuf stores it) with a
/// spatial index; features come out in Hilbert order, as the format requires for the index.
pub fn write(layer: &Layer, geometry_type: GeometryType) -> Result<Vec<u8>, FgbError> {
    let options = FgbWriterOptions {
        write_index: true,
        crs: FgbCrs { code: 4326, ..Default::default() },
        title: layer.title.as_deref(),
        ..Default::default()
    };
    let mut writer = FgbWriter::create_with_options(&layer.name, geometry_type, options)?;
    for column in &layer.columns {
        let kind = match column.kind {
            ColumnKind::Text => ColumnType::String,
            ColumnKind::Double => ColumnType::Double,
            ColumnKind::Long => ColumnType::Long,
            ColumnKind::Bool => ColumnType::Bool,
        };
        writer.add_column(&column.name, kind, |_, args| args.nullable = true);
    }
    for (number, (geometry, cells)) in layer.features.iter().enumerate() {
        if cells.len() != layer.columns.len() {
            return Err(FgbError::Shape { feature: number, cells: cells.len(), columns: layer.columns.len() });
        }
        let mut failure = None;
        writer.add_feature_geom(geometry.clone(), |feature| {
            for (index, (column, cell)) in layer.columns.iter().zip(cells).enumerate() {
                let value = match cell {
                    Cell::Text(text) => ColumnValue::String(text),
                    Cell::Double(v) => ColumnValue::Double(*v),
                    Cell::Long(v) => ColumnValue::Long(*v),
                    Cell::Bool(v) => ColumnValue::Bool(*v),
                    Cell::Null => continue,
                };
                if let Err(error) = feature.property(index, &column.name, &value) {
                    failure.get_or_insert(error);
                }
            }
        })?;
        if let Some(error) = failure {
            return Err(error.into());
        }
    }
    let mut out = Vec::new();
    writer.write(&mut out)?;
    Ok(out)
}

/// Collects one feature's properties as cells, in column order.
struct CellCollector<'a> {
    columns: &'a [Column],
    cells: Vec<Cell>,
}

impl PropertyProcessor for CellCollector<'_> {
    fn property(&mut self, index: usize, _name: &str, value: &ColumnValue) -> geozero::error::Result<bool> {
        let cell = match value {
            ColumnValue::String(s) | ColumnValue::Json(s) | ColumnValue::DateTime(s) => Cell::Text(s.to_string()),
            ColumnValue::Bool(v) => Cell::Bool(*v),
            ColumnValue::Byte(v) => Cell::Long(i64::from(*v)),
            ColumnValue::UByte(v) => Cell::Long(i64::from(*v)),
            ColumnValue::Short(v) => Cell::Long(i64::from(*v)),
            ColumnValue::UShort(v) => Cell::Long(i64::from(*v)),
            ColumnValue::Int(v) => Cell::Long(i64::from(*v)),
            ColumnValue::UInt(v) => Cell::Long(i64::from(*v)),
            ColumnValue::Long(v) => Cell::Long(*v),
            ColumnValue::ULong(v) => Cell::Long(i64::try_from(*v).unwrap_or(i64::MAX)),
            ColumnValue::Float(v) => Cell::Double(f64::from(*v)),
            ColumnValue::Double(v) => Cell::Double(*v),
            ColumnValue::Binary(_) => Cell::Null,
        };
        if index < self.columns.len() {
            self.cells[index] = cell;
        }
        Ok(false)
    }
}

/// Reads every feature of a FlatGeobuf file, or only those whose box meets `bbox`
/// (`[west, south, east, north]`) through the file's index.
pub fn read(bytes: &[u8], bbox: Option<[f64; 4]>) -> Result<Layer, FgbError> {
    let reader = FgbReader::open(Cursor::new(bytes))?;
    let header = reader.header();
    let name = header.name().unwrap_or_default().to_string();
    let title = header.title().map(str::to_string);
    let columns: Vec<Column> = header
        .columns()
        .map(|columns| {
            columns
                .iter()
                .map(|c| Column {
                    name: c.name().to_string(),
                    kind: match c.type_() {
                        ColumnType::Double | ColumnType::Float => ColumnKind::Double,
                        ColumnType::Bool => ColumnKind::Bool,
                        ColumnType::Byte
                        | ColumnType::UByte
                        | ColumnType::Short
                        | ColumnType::UShort
                        | ColumnType::Int
                        | ColumnType::UInt
                        | ColumnType::Long
                        | ColumnType::ULong => ColumnKind::Long,
                        _ => ColumnKind::Text,
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let mut iter = match bbox {
        Some([west, south, east, north]) => reader.select_bbox(west, south, east, north)?,
        None => reader.select_all()?,
    };
    let mut features = Vec::new();
    while let Some(feature) = iter.next()? {
        let geometry = feature.to_geo()?;
        let mut collector = CellCollector { columns: &columns, cells: vec![Cell::Null; columns.len()] };
        feature.process_properties(&mut collector)?;
        features.push((geometry, collector.cells));
    }
    Ok(Layer { name, title, columns, features })
}
