//! A small, read-only view of Bicep files on top of tree-sitter-bicep.
//!
//! The Bicep CLI cannot be installed from the package registries, so syntax and structure are
//! checked with the tree-sitter grammar instead: enough to catch typos, unbalanced braces and
//! drift between the templates and the code, though not wrong property names or API versions
//! (those need `az bicep build` or ARM, see infra/README.md).

use std::path::Path;

use tree_sitter::{Node, Parser, Tree};

pub struct Bicep {
    /// Path relative to the repository root, for messages.
    pub name: String,
    pub source: String,
    pub tree: Tree,
}

/// One `resource sym 'Type@version' = { ... }` declaration.
pub struct Resource<'t> {
    /// The type without the API version, e.g. `Microsoft.Web/sites`.
    pub kind: String,
    pub body: Node<'t>,
}

impl Bicep {
    pub fn load(path: &Path) -> Bicep {
        let source = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_bicep::LANGUAGE.into())
            .expect("tree-sitter-bicep is compatible with the tree-sitter crate");
        let tree = parser
            .parse(&source, None)
            .unwrap_or_else(|| panic!("tree-sitter gave no tree for {}", path.display()));
        let name = path
            .strip_prefix(crate::repo_root())
            .unwrap_or(path)
            .display()
            .to_string();
        Bicep { name, source, tree }
    }

    /// Loads a file by its path relative to the repository root.
    pub fn open(relative: &str) -> Bicep {
        Bicep::load(&crate::repo_root().join(relative))
    }

    pub fn text(&self, node: Node) -> &str {
        &self.source[node.byte_range()]
    }

    /// Every ERROR or MISSING node as `file:line:col: ...`, 1-based like editors show them.
    pub fn syntax_errors(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let mut stack = vec![self.tree.root_node()];
        while let Some(node) = stack.pop() {
            if node.is_error() || node.is_missing() {
                let at = node.start_position();
                let what = if node.is_missing() {
                    format!("missing `{}`", node.kind())
                } else {
                    let snippet: String = self.text(node).chars().take(40).collect();
                    format!("unexpected `{}`", snippet.replace('\n', "\\n"))
                };
                errors.push(format!(
                    "{}:{}:{}: {what}",
                    self.name,
                    at.row + 1,
                    at.column + 1
                ));
                // Children of an ERROR node are noise once the node itself is reported.
                continue;
            }
            if node.has_error() {
                let mut cursor = node.walk();
                stack.extend(node.children(&mut cursor));
            }
        }
        errors.sort();
        errors
    }

    fn top_level(&self, kind: &str) -> Vec<Node<'_>> {
        let root = self.tree.root_node();
        let mut cursor = root.walk();
        root.named_children(&mut cursor)
            .filter(|n| n.kind() == kind)
            .collect()
    }

    /// The name of a `param`, `var`, `output`, `resource` or `module` declaration.
    fn declared_name(&self, declaration: Node) -> Option<String> {
        let mut cursor = declaration.walk();
        declaration
            .named_children(&mut cursor)
            .find(|n| n.kind() == "identifier")
            .map(|n| self.text(n).to_string())
    }

    pub fn param_names(&self) -> Vec<String> {
        self.top_level("parameter_declaration")
            .into_iter()
            .filter_map(|d| self.declared_name(d))
            .collect()
    }

    /// The decorators (`@minValue(40)`, `@allowed([...])` ...) written above `param <name>`,
    /// as source text without the `@`; read from the lines, since a decorator may span several.
    pub fn param_decorators(&self, name: &str) -> Vec<String> {
        let lines: Vec<&str> = self.source.lines().collect();
        let Some(at) = lines.iter().position(|line| {
            line.strip_prefix("param ")
                .and_then(|rest| rest.split_whitespace().next())
                == Some(name)
        }) else {
            panic!("{}: no `param {name}`", self.name);
        };
        let mut decorators = Vec::new();
        for line in lines[..at].iter().rev() {
            let line = line.trim();
            if line.is_empty() || line.starts_with("//") {
                break;
            }
            if let Some(decorator) = line.strip_prefix('@') {
                decorators.push(decorator.to_string());
            }
        }
        decorators.reverse();
        decorators
    }

    /// The integer in `@<decorator>(n)` above `param <name>`, e.g. `minValue`.
    pub fn param_bound(&self, name: &str, decorator: &str) -> Option<i64> {
        self.param_decorators(name).iter().find_map(|d| {
            d.strip_prefix(decorator)?
                .strip_prefix('(')?
                .strip_suffix(')')?
                .trim()
                .parse()
                .ok()
        })
    }

    /// The default after `=` in `param <name> <type> = <default>`, quotes removed.
    pub fn param_default(&self, name: &str) -> Option<String> {
        self.source.lines().find_map(|line| {
            let rest = line.strip_prefix("param ")?;
            let mut words = rest.splitn(3, ' ');
            (words.next()? == name).then_some(())?;
            let (_, default) = words.nth(1)?.split_once('=')?;
            Some(default.trim().trim_matches('\'').to_string())
        })
    }

    /// The type in `param <name> <type>`.
    pub fn param_type(&self, name: &str) -> Option<String> {
        self.source.lines().find_map(|line| {
            let mut words = line.strip_prefix("param ")?.split_whitespace();
            (words.next()? == name).then_some(())?;
            words.next().map(str::to_string)
        })
    }

    pub fn output_names(&self) -> Vec<String> {
        self.top_level("output_declaration")
            .into_iter()
            .filter_map(|d| self.declared_name(d))
            .collect()
    }

    /// The object literal assigned to `var <name> = { ... }`.
    pub fn variable_object(&self, name: &str) -> Node<'_> {
        let declaration = self
            .top_level("variable_declaration")
            .into_iter()
            .find(|d| self.declared_name(*d).as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{}: no `var {name}`", self.name));
        first_descendant(declaration, "object")
            .unwrap_or_else(|| panic!("{}: `var {name}` is not an object literal", self.name))
    }

    fn property_key(&self, property: Node) -> Option<String> {
        let key = property.named_child(0)?;
        Some(self.text(key).trim_matches('\'').to_string())
    }

    fn property_value<'t>(&self, property: Node<'t>) -> Option<Node<'t>> {
        let count = property.named_child_count();
        (count >= 2)
            .then(|| property.named_child(count - 1))
            .flatten()
    }

    /// The keys of an object literal, in source order.
    pub fn object_keys(&self, object: Node) -> Vec<String> {
        let mut cursor = object.walk();
        object
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "object_property")
            .filter_map(|p| self.property_key(p))
            .collect()
    }

    /// The value node of `key` in an object literal.
    pub fn object_get<'t>(&self, object: Node<'t>, key: &str) -> Option<Node<'t>> {
        let mut cursor = object.walk();
        let found = object
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "object_property")
            .find(|p| self.property_key(*p).as_deref() == Some(key));
        found.and_then(|p| self.property_value(p))
    }

    /// The value text at a dotted path below an object, e.g. `properties.siteConfig.ftpsState`,
    /// with string quotes removed.
    pub fn get_path(&self, object: Node, path: &str) -> Option<String> {
        let mut node = object;
        for key in path.split('.') {
            let value = self.object_get(node, key)?;
            node = if value.kind() == "object" {
                value
            } else {
                first_descendant(value, "object").unwrap_or(value)
            };
        }
        Some(self.text(node).trim_matches('\'').to_string())
    }

    pub fn resources(&self) -> Vec<Resource<'_>> {
        self.top_level("resource_declaration")
            .into_iter()
            .filter_map(|declaration| {
                let mut cursor = declaration.walk();
                let kind = declaration
                    .named_children(&mut cursor)
                    .find(|n| n.kind() == "string")
                    .map(|n| self.text(n).trim_matches('\'').to_string())?;
                let kind = kind.split('@').next().unwrap_or_default().to_string();
                let body = first_descendant(declaration, "object")?;
                Some(Resource { kind, body })
            })
            .collect()
    }

    pub fn resources_of(&self, kind: &str) -> Vec<Resource<'_>> {
        self.resources()
            .into_iter()
            .filter(|r| r.kind.eq_ignore_ascii_case(kind))
            .collect()
    }
}

fn first_descendant<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
    for child in children {
        if child.kind() == kind {
            return Some(child);
        }
        if let Some(found) = first_descendant(child, kind) {
            return Some(found);
        }
    }
    None
}

#[test]
fn every_bicep_file_parses_without_syntax_errors() {
    let mut errors = Vec::new();
    for path in crate::bicep_files() {
        let file = Bicep::load(&path);
        errors.extend(file.syntax_errors());
        assert!(
            !file.tree.root_node().has_error() || !errors.is_empty(),
            "{}: tree has an error but none was located",
            file.name
        );
    }
    assert!(
        errors.is_empty(),
        "Bicep syntax errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_syntax_check_reports_line_and_column() {
    // Guards the guard: a broken file must be caught, with a usable position.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.bicep");
    std::fs::write(
        &path,
        "param a string\nresource x 'A/b@1' = {\n  name: 'x'\n  properties: {\n",
    )
    .expect("write");
    let errors = Bicep::load(&path).syntax_errors();
    assert!(
        !errors.is_empty(),
        "an unclosed object must be a syntax error"
    );
    assert!(
        errors
            .iter()
            .all(|e| e.contains("broken.bicep:") && e.matches(':').count() >= 3),
        "errors must carry line:col: {errors:?}"
    );
}
