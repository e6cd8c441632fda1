//! JUnit XML for CI systems (GitHub, GitLab, Jenkins): one test suite per
//! check, one test case per configuration, a `<failure>` listing its
//! problems. The schema CI tools accept: testsuites > testsuite > testcase.

use std::fmt::Write as _;

use super::compare::ConfigCheck;

/// What the suite is about: its name and `<properties>`.
#[derive(Debug, Clone)]
pub struct Suite<'a> {
    pub name: &'a str,
    pub properties: Vec<(&'a str, String)>,
    pub time_s: f64,
}

/// XML-escape text and attribute values; drop characters XML 1.0 forbids.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// The whole document.
pub fn render(suite: &Suite, checks: &[ConfigCheck]) -> String {
    let failures = checks.iter().filter(|c| !c.passed()).count();
    let mut x = String::new();
    let _ = writeln!(x, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        x,
        r#"<testsuites name="swarm-sweep check" tests="{}" failures="{failures}" errors="0" time="{:.3}">"#,
        checks.len(),
        suite.time_s
    );
    let _ = writeln!(
        x,
        r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="0" time="{:.3}">"#,
        esc(suite.name),
        checks.len(),
        suite.time_s
    );
    if !suite.properties.is_empty() {
        let _ = writeln!(x, "    <properties>");
        for (k, v) in &suite.properties {
            let _ = writeln!(
                x,
                r#"      <property name="{}" value="{}"/>"#,
                esc(k),
                esc(v)
            );
        }
        let _ = writeln!(x, "    </properties>");
    }
    for c in checks {
        let _ = write!(
            x,
            r#"    <testcase name="{}" classname="{}.{}" time="{:.3}""#,
            esc(&c.display),
            esc(suite.name),
            esc(&c.scenario),
            c.time_s
        );
        if c.passed() {
            let _ = writeln!(x, "/>");
            continue;
        }
        let first = c.problems[0].to_string();
        let more = match c.problems.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let body: Vec<String> = c.problems.iter().map(|p| esc(&p.to_string())).collect();
        let _ = writeln!(x, ">");
        let _ = writeln!(
            x,
            r#"      <failure type="regression" message="{}{more}">{}</failure>"#,
            esc(&first),
            body.join("&#10;")
        );
        let _ = writeln!(x, "    </testcase>");
    }
    let _ = writeln!(x, "  </testsuite>");
    let _ = writeln!(x, "</testsuites>");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::compare::Problem;

    fn case(display: &str, problems: Vec<Problem>) -> ConfigCheck {
        ConfigCheck {
            scenario: "s".into(),
            config_id: 0,
            label: display.into(),
            display: display.into(),
            runs: 3,
            metrics: 2,
            criteria: 0,
            time_s: 0.5,
            problems,
        }
    }

    #[test]
    fn one_case_per_configuration_with_escaped_failures() {
        let suite = Suite {
            name: "grid",
            properties: vec![("spec", "a&b.yaml".into())],
            time_s: 1.0,
        };
        let x = render(
            &suite,
            &[
                case("baseline", vec![]),
                case(
                    "x<1",
                    vec![Problem::NotStored, Problem::MissingMetric("m".into())],
                ),
            ],
        );
        assert!(x.contains(r#"<testsuites name="swarm-sweep check" tests="2" failures="1""#));
        assert!(x.contains(r#"<testcase name="baseline" classname="grid.s" time="0.500"/>"#));
        assert!(x.contains(r#"<testcase name="x&lt;1""#));
        assert!(x.contains(r#"<property name="spec" value="a&amp;b.yaml"/>"#));
        assert!(x.contains("(and 1 more)"));
        assert_eq!(x.matches("<failure").count(), 1);
    }
}
