using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wharf.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Models : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "models_registered",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    project_id = table.Column<long>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 5000, nullable: true),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    creation_time = table.Column<long>(type: "INTEGER", nullable: false),
                    last_updated_time = table.Column<long>(type: "INTEGER", nullable: false),
                    last_version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models_registered", x => x.id);
                    table.ForeignKey(
                        name: "fk_models_registered_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "models_aliases",
                columns: table => new
                {
                    model_id = table.Column<long>(type: "INTEGER", nullable: false),
                    alias = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models_aliases", x => new { x.model_id, x.alias });
                    table.ForeignKey(
                        name: "fk_models_aliases_models_registered_model_id",
                        column: x => x.model_id,
                        principalTable: "models_registered",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "models_registered_tags",
                columns: table => new
                {
                    model_id = table.Column<long>(type: "INTEGER", nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 250, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models_registered_tags", x => new { x.model_id, x.key });
                    table.ForeignKey(
                        name: "fk_models_registered_tags_models_registered_model_id",
                        column: x => x.model_id,
                        principalTable: "models_registered",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "models_versions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    model_id = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 1500, nullable: false),
                    run_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    artifact_path = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    status_message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    description = table.Column<string>(type: "TEXT", maxLength: 5000, nullable: true),
                    current_stage = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    manifest_digest = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    signature = table.Column<string>(type: "TEXT", nullable: true),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    creation_time = table.Column<long>(type: "INTEGER", nullable: false),
                    last_updated_time = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_models_versions_models_registered_model_id",
                        column: x => x.model_id,
                        principalTable: "models_registered",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "models_version_tags",
                columns: table => new
                {
                    version_id = table.Column<long>(type: "INTEGER", nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 250, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models_version_tags", x => new { x.version_id, x.key });
                    table.ForeignKey(
                        name: "fk_models_version_tags_models_versions_version_id",
                        column: x => x.version_id,
                        principalTable: "models_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_models_registered_project_id_name",
                table: "models_registered",
                columns: new[] { "project_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_models_versions_model_id_version",
                table: "models_versions",
                columns: new[] { "model_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_models_versions_run_id",
                table: "models_versions",
                column: "run_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "models_aliases");

            migrationBuilder.DropTable(
                name: "models_registered_tags");

            migrationBuilder.DropTable(
                name: "models_version_tags");

            migrationBuilder.DropTable(
                name: "models_versions");

            migrationBuilder.DropTable(
                name: "models_registered");
        }
    }
}
