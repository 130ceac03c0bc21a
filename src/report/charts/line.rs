//! The progress chart: a measured share per year against the target line, with published
//! reference figures marked beside it.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{frame, text, Plot, ALERT, MUTED, REFERENCE, SERIES};
use crate::report::format::Numbers;

/// A published figure to mark beside the measured series.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Year the figure refers to.
    pub year: i32,
    /// The figure, percent.
    pub pct: f64,
    /// `measurement` or `expectation`.
    pub kind: String,
}

/// A share per year against a target.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Chart title.
    pub title: String,
    /// Source line.
    pub source: String,
    /// Label of the x axis.
    pub x_label: String,
    /// Label of the y axis, with its unit.
    pub y_label: String,
    /// Name of the measured series in the legend.
    pub series_label: String,
    /// (year, percent) measured, in year order.
    pub series: Vec<(i32, f64)>,
    /// The target: percent and its legend label.
    pub target: Option<(f64, String)>,
    /// Published figures.
    pub markers: Vec<Marker>,
    /// The legend's names of published measurements and of published expectations.
    pub marker_labels: [String; 2],
    /// How the value labels write numbers.
    pub numbers: Numbers,
}

impl Progress {
    fn ranges(&self) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
        let years = self.series.iter().map(|s| s.0).chain(self.markers.iter().map(|m| m.year));
        let (lo, hi) = years.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
        let (lo, hi) = if lo > hi { (2020, 2021) } else { (lo, hi.max(lo + 1)) };
        let values = self
            .series
            .iter()
            .map(|s| s.1)
            .chain(self.markers.iter().map(|m| m.pct))
            .chain(self.target.iter().map(|t| t.0));
        let min = values.fold(100.0f64, f64::min);
        let floor = ((min - 1.0) / 5.0).floor() * 5.0;
        (f64::from(lo) - 0.5..f64::from(hi) + 0.5, floor.max(0.0)..100.5)
    }
}

impl Plot for Progress {
    fn size(&self) -> (u32, u32) {
        (900, 520)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let area = frame(root, &self.title, &self.source)?;
        let (xr, yr) = self.ranges();
        let years = (xr.end - xr.start).round() as usize;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(xr, yr)?;
        chart
            .configure_mesh()
            .x_labels(years + 1)
            .x_label_formatter(&|x| if (x - x.round()).abs() < 1e-9 { format!("{x:.0}") } else { String::new() })
            .y_label_formatter(&|y| format!("{y:.0} %"))
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style(text(13))
            .axis_desc_style(text(14))
            .light_line_style(WHITE)
            .bold_line_style(MUTED.mix(0.25))
            .draw()?;
        if let Some((pct, label)) = &self.target {
            let (x0, x1) = (chart.x_range().start, chart.x_range().end);
            chart
                .draw_series(LineSeries::new([(x0, *pct), (x1, *pct)], ALERT.stroke_width(2)))?
                .label(label.as_str())
                .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], ALERT.stroke_width(2)));
        }
        let pts: Vec<(f64, f64)> = self.series.iter().map(|&(y, v)| (f64::from(y), v)).collect();
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), SERIES.stroke_width(3)))?
            .label(self.series_label.as_str())
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], SERIES.stroke_width(3)));
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 5, SERIES.filled())))?;
        chart.draw_series(pts.iter().map(|&(x, y)| {
            Text::new(
                self.numbers.fixed(y, 1),
                (x, y),
                text(12).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Bottom,
                )),
            )
        }))?;
        for kind in ["measurement", "expectation"] {
            let marks: Vec<(f64, f64)> =
                self.markers.iter().filter(|m| m.kind == kind).map(|m| (f64::from(m.year), m.pct)).collect();
            if marks.is_empty() {
                continue;
            }
            let label = self.marker_labels[usize::from(kind != "measurement")].as_str();
            if kind == "measurement" {
                chart
                    .draw_series(marks.iter().map(|&p| TriangleMarker::new(p, 8, REFERENCE.filled())))?
                    .label(label)
                    .legend(|(x, y)| TriangleMarker::new((x + 10, y), 8, REFERENCE.filled()));
            } else {
                chart
                    .draw_series(marks.iter().map(|&p| Cross::new(p, 7, REFERENCE.stroke_width(3))))?
                    .label(label)
                    .legend(|(x, y)| Cross::new((x + 10, y), 7, REFERENCE.stroke_width(3)));
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(MUTED)
            .label_font(text(13))
            .draw()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::{has_text, render};

    #[test]
    fn axes_cover_series_markers_and_target() {
        let p = Progress {
            title: "t".into(),
            source: "s".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series_label: "ours".into(),
            series: vec![(2019, 96.5), (2021, 98.0)],
            target: Some((100.0, "target".into())),
            markers: vec![Marker { year: 2017, pct: 91.0, kind: "measurement".into() }],
            marker_labels: ["Published measurement".into(), "Published expectation".into()],
            numbers: Numbers::NL,
        };
        let (x, y) = p.ranges();
        assert_eq!((x.start, x.end), (2016.5, 2021.5));
        assert_eq!((y.start, y.end), (90.0, 100.5));
        let c = render("national", "t", &p).unwrap();
        for label in ["ours", "target", "Published measurement", "2019", "96,5"] {
            assert!(has_text(&c.svg, label), "{label} missing");
        }
    }
}
