//! Rendering into a string and the post-processing that gives plotters' bare primitives a
//! countable structure.
//!
//! plotters draws in order, so everything drawn between two calls belongs together. A group is
//! opened and closed by drawing a marker `<text>` in a font family no other text uses, whose
//! content is an index into a table of replacements; `finish` swaps each marker for its
//! replacement (`<g class=.. data-..><title>..</title>` or `</g>`). Report text never reaches a
//! marker, and the replacements are escaped here.

use crate::layout::Layout;
use crate::text::{Area, Backend};
use crate::theme::Theme;
use crate::ChartError;
use plotters::prelude::*;
use std::fmt::Write;

const MARK_FONT: &str = "threadlab-mark";

/// A `<g>` to wrap what is drawn inside `Marks::group`.
pub(crate) struct Group {
    class: &'static str,
    attrs: Vec<(&'static str, String)>,
    title: Option<String>,
}

impl Group {
    pub fn new(class: &'static str) -> Group {
        Group { class, attrs: Vec::new(), title: None }
    }

    pub fn attr(mut self, name: &'static str, value: impl ToString) -> Group {
        self.attrs.push((name, value.to_string()));
        self
    }

    /// A tooltip (`<title>` child) in plain words.
    pub fn title(mut self, title: impl Into<String>) -> Group {
        self.title = Some(title.into());
        self
    }

    fn open_tag(&self) -> String {
        let mut tag = format!("<g class=\"{}\"", self.class);
        for (name, value) in &self.attrs {
            let _ = write!(tag, " {name}=\"{}\"", escape(value));
        }
        tag.push('>');
        if let Some(title) = &self.title {
            let _ = write!(tag, "<title>{}</title>", escape(title));
        }
        tag
    }
}

/// The replacement table for the markers drawn so far.
#[derive(Default)]
pub(crate) struct Marks {
    replacements: Vec<String>,
}

impl Marks {
    /// Wraps whatever `draw` draws (on any area sharing `root`'s backend) in `group`.
    pub fn group<R>(
        &mut self,
        root: &Area,
        group: Group,
        draw: impl FnOnce(&mut Marks) -> Result<R, ChartError>,
    ) -> Result<R, ChartError> {
        self.mark(root, group.open_tag())?;
        let result = draw(self)?;
        self.mark(root, "</g>".to_string())?;
        Ok(result)
    }

    fn mark(&mut self, root: &Area, replacement: String) -> Result<(), ChartError> {
        let style = (MARK_FONT, 1).into_font().color(&BLACK);
        root.draw(&Text::new(self.replacements.len().to_string(), (0, 0), style))?;
        self.replacements.push(replacement);
        Ok(())
    }

    /// Replaces the markers and labels the root `<svg>` with the chart kind, theme and title.
    fn finish(self, svg: &str, root_attrs: &[(&str, String)], title: &str) -> Result<String, ChartError> {
        let broken = || ChartError::Draw("a group marker was not written as expected".into());
        let mut out = String::with_capacity(svg.len() + 64 * self.replacements.len());
        let mut rest = svg;
        let svg_open = rest.find("<svg ").ok_or_else(broken)? + "<svg ".len();
        out.push_str(&rest[..svg_open]);
        for (name, value) in root_attrs {
            let _ = write!(out, "{name}=\"{}\" ", escape(value));
        }
        rest = &rest[svg_open..];
        let head_end = rest.find('>').ok_or_else(broken)? + 1;
        let _ = write!(out, "{}\n<title>{}</title>", &rest[..head_end], escape(title));
        rest = &rest[head_end..];
        let needle = format!("font-family=\"{MARK_FONT}\"");
        let mut used = 0;
        while let Some(at) = rest.find(&needle) {
            let start = rest[..at].rfind("<text").ok_or_else(broken)?;
            let content = rest[at..].find('>').ok_or_else(broken)? + at + 1;
            let end = rest[content..].find("</text>").ok_or_else(broken)? + content;
            let index: usize = rest[content..end].trim().parse().map_err(|_| broken())?;
            out.push_str(&rest[..start]);
            out.push_str(self.replacements.get(index).ok_or_else(broken)?);
            rest = rest[end + "</text>".len()..].trim_start_matches('\n');
            used += 1;
        }
        if used != self.replacements.len() {
            return Err(broken());
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Draws a chart `layout.width` by `height` pixels with `draw` and returns the finished SVG
/// document, its root labelled `class="threadlab-chart" data-chart=kind data-theme=..
/// data-layout=..` plus `root_attrs`.
pub(crate) fn render(
    kind: &str,
    theme: Theme,
    (layout, height): (Layout, u32),
    title: &str,
    root_attrs: &[(&str, String)],
    draw: impl FnOnce(&Area, &mut Marks) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut buf = String::new();
    let mut marks = Marks::default();
    {
        let root = Backend::with_string(&mut buf, (layout.width, height)).into_drawing_area();
        root.fill(&theme.palette().background)?;
        draw(&root, &mut marks)?;
        root.present()?;
    }
    let mut attrs = vec![
        ("class", "threadlab-chart".to_string()),
        ("data-chart", kind.into()),
        ("data-theme", theme.name().into()),
        ("data-layout", layout.name().into()),
    ];
    attrs.extend_from_slice(root_attrs);
    marks.finish(&buf, &attrs, title)
}

/// Escapes text for an XML attribute value or text node.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
