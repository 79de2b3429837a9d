import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A parsed XML document, through Foundation's real parser: malformed XML
/// (a bad escape, a forbidden character) throws.
public final class XMLTree: NSObject, XMLParserDelegate {
    public final class Node {
        public let name: String
        public let attributes: [String: String]
        public var children: [Node] = []
        public var text = ""

        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        public func all(_ name: String) -> [Node] { children.filter { $0.name == name } }
        public func first(_ name: String) -> Node? { children.first { $0.name == name } }
        /// Every text and attribute value below this node.
        public var everything: String {
            ([text] + attributes.values + children.map(\.everything)).joined(separator: "\n")
        }
    }

    private var stack: [Node] = []
    private var root: Node?

    public static func parse(_ xml: String) throws -> Node {
        let tree = XMLTree()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = tree
        guard parser.parse(), let root = tree.root else {
            throw CocoaError(
                .propertyListReadCorrupt,
                userInfo: [NSLocalizedDescriptionKey: "XML parse error: \(parser.parserError.map { "\($0)" } ?? "no root") in\n\(xml)"])
        }
        return root
    }

    public func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let node = Node(name: elementName, attributes: attributes)
        stack.last?.children.append(node)
        if root == nil { root = node }
        stack.append(node)
    }

    public func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}
