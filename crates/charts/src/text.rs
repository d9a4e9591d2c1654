//! Text measurement of our own, so that plotters never measures text itself.
//!
//! plotters lays out titles and legends by asking how large a text is. On
//! `wasm32-unknown-unknown` its answer comes from a `<span>` it appends to the page with a
//! `style="..."` attribute, which a Content-Security-Policy without `'unsafe-inline'` for styles
//! refuses (and the refused style gives wrong sizes). So the charts draw through [`Backend`],
//! which answers that question from a table instead, and draw their legends themselves; the
//! same numbers are then used natively (tests) and in the browser.
//!
//! The table holds the advance widths of DejaVu Sans, in font units (2048 an em): the
//! `sans-serif` of most Linux desktops, and wider than Arial, Helvetica, Liberation Sans or
//! Roboto for every character here, so a box sized by it holds the text wherever the SVG is
//! shown. No kerning (which only narrows text). Characters outside the table count one em, as
//! wide as a CJK ideograph.

use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

/// Font units per em of the table.
const UNITS: f64 = 2048.0;
/// Ascent + descent of DejaVu Sans in font units: the height of a line of text.
const LINE: f64 = 1901.0 + 483.0;
/// plotters' SVG backend writes `font-size` as the style's size divided by this.
const SVG_SIZE_DIVISOR: f64 = 1.24;

/// Advance widths of U+0020..=U+007E.
const ASCII: [u16; 95] = [
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, //
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, //
    2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, //
    1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024, //
    1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253, //
    1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
];

/// Advance widths of U+00A0..=U+00FF.
const LATIN1: [u16; 96] = [
    651, 821, 1303, 1303, 1303, 1303, 690, 1024, 1024, 2048, 965, 1253, 1716, 739, 2048, 1024, //
    1024, 1716, 821, 821, 1024, 1303, 1303, 651, 1024, 821, 965, 1253, 1985, 1985, 1985, 1087, //
    1401, 1401, 1401, 1401, 1401, 1401, 1995, 1430, 1294, 1294, 1294, 1294, 604, 604, 604, 604, //
    1587, 1532, 1612, 1612, 1612, 1612, 1612, 1716, 1612, 1499, 1499, 1499, 1499, 1251, 1239, 1290, //
    1255, 1255, 1255, 1255, 1255, 1255, 2011, 1126, 1260, 1260, 1260, 1260, 569, 569, 569, 569, //
    1253, 1298, 1253, 1253, 1253, 1253, 1253, 1716, 1253, 1298, 1298, 1298, 1298, 1212, 1300, 1212,
];

/// The advance width of `c` in font units.
fn advance(c: char) -> u16 {
    match c {
        ' '..='~' => ASCII[c as usize - 0x20],
        '\u{A0}'..='\u{FF}' => LATIN1[c as usize - 0xA0],
        '₂' => 821,
        '“' | '”' => 1061,
        '‘' | '’' => 651,
        '–' => 1024,
        '•' => 1208,
        'σ' | 'λ' => 1298,
        'π' => 1233,
        '√' => 1305,
        '∞' => 1706,
        '○' | '●' => 1787,
        '✗' | '✓' | '−' | '→' | '←' | '≤' | '≥' | '≈' => 1716,
        // Zero-width characters.
        '\u{200B}'..='\u{200F}' | '\u{FE00}'..='\u{FE0F}' => 0,
        // One em: '…', '—', and everything the table does not know.
        _ => 2048,
    }
}

/// Width and height in pixels of `text` in the chart font at plotters size `size` (the SVG
/// shows it at `size / 1.24` px), rounded up.
pub fn size(text: &str, size: f64) -> (u32, u32) {
    let em = size.max(0.0) / SVG_SIZE_DIVISOR;
    let units: u64 = text.chars().map(|c| u64::from(advance(c))).sum();
    let width = (units as f64 / UNITS * em).ceil();
    let height = if text.is_empty() { 0.0 } else { (LINE / UNITS * em).ceil() };
    (width as u32, height as u32)
}

/// `text` broken at spaces into lines at most `max` pixels wide at plotters size `size`; a
/// word wider than that is cut between characters. No line is empty unless `text` is.
pub fn wrap(text: &str, size: f64, max: u32) -> Vec<String> {
    let fits = |line: &str| size_of(line, size) <= max;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let joined = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if fits(&joined) {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if !fits(&line) && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn size_of(text: &str, size: f64) -> u32 {
    self::size(text, size).0
}

/// plotters' SVG backend, measuring text with [`size`] instead of the font implementation
/// plotters picks for the target (a DOM `<span>` on wasm). Everything else is the SVG
/// backend's own.
pub struct Backend<'a>(SVGBackend<'a>);

/// A drawing area on the wrapper backend: what every chart draws into.
pub(crate) type Area<'a> = DrawingArea<Backend<'a>, plotters::coord::Shift>;

impl<'a> Backend<'a> {
    pub fn with_string(buf: &'a mut String, dim: (u32, u32)) -> Backend<'a> {
        Backend(SVGBackend::with_string(buf, dim))
    }
}

type Result<T = ()> = std::result::Result<T, DrawingErrorKind<std::io::Error>>;

impl DrawingBackend for Backend<'_> {
    type ErrorType = std::io::Error;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result {
        self.0.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Result {
        self.0.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Result {
        self.0.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Result<(u32, u32)> {
        let (w, h) = size(text, style.size());
        // A rotated text's box is turned too.
        Ok(match style.transform() {
            FontTransform::Rotate90 | FontTransform::Rotate270 => (h, w),
            _ => (w, h),
        })
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, (iw, ih): (u32, u32), src: &[u8]) -> Result {
        self.0.blit_bitmap(pos, (iw, ih), src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_add_up_per_character() {
        // 2048 units = one em = 1.24 * 10 / 1.24 = 10 px at size 12.4.
        assert_eq!(size("", 12.4), (0, 0));
        assert_eq!(size("…", 12.4).0, 10);
        assert_eq!(size("漢字", 12.4).0, 20, "unknown characters count one em");
        let digits = size("0123456789", 12.4).0;
        assert_eq!(digits, (10.0 * 1303.0 / 2048.0 * 10.0_f64).ceil() as u32);
        assert!(size("mmmm", 14.0).0 > size("iiii", 14.0).0);
        assert_eq!(size("a\u{200B}b", 14.0), size("ab", 14.0));
    }

    #[test]
    fn height_is_one_line_of_the_font_shown() {
        // The SVG shows size 22 at 17.74 px; a DejaVu Sans line is 1.164 em.
        assert_eq!(size("Title", 22.0).1, 21);
        assert_eq!(size("x", 14.0).1, size("W", 14.0).1);
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_only_long_words() {
        let text = "fib: threads-gil with 4 workers, 8 tasks on 4 lanes";
        let lines = wrap(text, 18.0, 150);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert!(lines.iter().all(|l| size(l, 18.0).0 <= 150), "{lines:?}");
        assert_eq!(wrap(text, 18.0, 10_000), [text]);
        let long = "a".repeat(100);
        let cut = wrap(&long, 14.0, 100);
        assert!(cut.len() > 1 && cut.iter().all(|l| size(l, 14.0).0 <= 100), "{cut:?}");
        assert_eq!(cut.concat(), long);
        assert_eq!(wrap("", 14.0, 100), [""]);
        assert_eq!(wrap("x", 14.0, 0), ["x"], "a character wider than the line still gets one");
    }

    #[test]
    fn odd_sizes_never_panic() {
        for s in [0.0, -3.0, f64::NAN, f64::INFINITY, 1e300] {
            let _ = size("text ✗", s);
        }
    }
}
